/*
 * What counting adds to every request, timed alone: what serve.c does
 * around a request for the metrics and the audit log (two clock
 * reads, metrics_request(), the audit context set and cleared), in a
 * loop, on a metrics file of its own.  With an argument P > 1, P
 * processes do it at once on the same program's counters, so the
 * atomic adds fight over their cache lines as two processes of one
 * program would.  Prints nanoseconds per request (the slowest
 * process's).
 */
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "metrics.h"
#include "util.h"

#define ROUNDS	2000000

/* One process's loop: ns per request, printed on fd. */
static void
loop(FILE *out)
{
	int64_t	 t0, start;
	int	 i;

	start = util_monotonic_ns();
	for (i = 0; i < ROUNDS; i++) {
		t0 = util_monotonic_ns();
		audit_context("192.0.2.1", "Mozilla/5.0 (X11; Linux x86_64) "
		    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
		    "Safari/537.36");
		audit_context(NULL, NULL);
		metrics_request(200, util_monotonic_ns() - t0);
	}
	fprintf(out, "%.1f\n", (double)(util_monotonic_ns() - start) /
	    ROUNDS);
	fflush(out);
}

int
main(int argc, char *argv[])
{
	char	 err[256], dir[] = "/tmp/metricstime.XXXXXX", path[64];
	int	 i, procs = argc > 1 ? atoi(argv[1]) : 1, status;
	pid_t	 pid;

	if (procs < 1 || procs > 64 || config_load(err, sizeof(err)) != 1 ||
	    mkdtemp(dir) == NULL) {
		fprintf(stderr, "metricstime: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/metrics.shm", dir);
	if (metrics_open(path, "bench") == -1)
		return 1;
	for (i = 0; i < procs; i++)
		if ((pid = fork()) == 0) {
			loop(stdout);
			_exit(0);
		}
	while (wait(&status) > 0)
		continue;
	metrics_close();
	unlink(path);
	rmdir(dir);
	config_free();
	return 0;
}
