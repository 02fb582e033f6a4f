/*
 * CORS for serve.c, the access cookie for caller.c; internal to
 * common/ (programs use api.h).
 */
#ifndef BROWSER_H
#define BROWSER_H

#include "api.h"

void	 browser_cors(struct resp *, const char *, const char *);
int	 browser_access(char *, size_t, char [FGP_LEN + 1]);

#endif
