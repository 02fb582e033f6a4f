/* Writing the response; internal to common/. */
#ifndef RESPONSE_H
#define RESPONSE_H

#include "api.h"

void	 resp_init(struct resp *);
void	 resp_write(const struct resp *, int);
void	 resp_free(struct resp *);

#endif
