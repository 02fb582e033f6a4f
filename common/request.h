/* Reading the request from its CGI variables; internal to common/. */
#ifndef REQUEST_H
#define REQUEST_H

#include "api.h"

/* The longest path routed (longer ones are 404), and base kept. */
#define PATH_MAX_LEN	1024

/* What req_read() keeps for the request's strings to point into. */
struct req_store {
	char	 base[PATH_MAX_LEN + 1];
	char	 ip[64];
};

const char	*req_method_name(enum method);
void		 req_read(struct req *, struct req_store *, int *);
int		 req_basic(char *, size_t, char *, size_t);

#endif
