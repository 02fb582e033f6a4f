/* The JSON writer of response bodies; internal to common/. */
#ifndef JSONOUT_H
#define JSONOUT_H

#include <stddef.h>

struct json_object;

const char	*jsonout(struct json_object *, size_t *);

#endif
