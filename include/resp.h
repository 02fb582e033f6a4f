/* Writing responses; internal to common/. */
#ifndef RESP_H
#define RESP_H

#include "api.h"

void		 resp_write(const struct resp *, int);
const char	*resp_json(struct json_object *, size_t *);

#endif
