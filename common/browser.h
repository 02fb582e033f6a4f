/* CORS for serve.c; internal to common/ (programs use api.h). */
#ifndef BROWSER_H
#define BROWSER_H

#include "api.h"

void	 browser_cors(struct resp *, const char *, const char *);

#endif
