/*
 * The baseline: the least a FastCGI program behind lighttpd can do,
 * answering 20 bytes.  What fcgi-auth's programs are measured against.
 * It ends each connection as they do (common/io.c, finish_fastcgi()): closed
 * at once, not with libfcgi's lingering close, so that the ratio to it
 * measures the programs' own work.
 */
#include <stdio.h>

#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request	 r;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&r, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n"
		    "trivial fastcgi 20\n", r.out);
		if (FCGX_GetChar(r.in) == EOF)
			FCGX_Detach(&r);
		FCGX_Finish_r(&r);
	}
	return 0;
}
