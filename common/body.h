/* Request bodies: read, capped, parsed and validated; internal. */
#ifndef BODY_H
#define BODY_H

#include "api.h"

int	 body_init(void);
int	 body_type_ok(const struct route *, enum method);
void	 body_free(void);
int	 body_parse(struct req *, struct resp *, const struct route *,
	    const struct field *, size_t, struct json_object **);
int	 body_parse_text(struct req *, struct resp *, const struct route *,
	    const struct field *, size_t, const char *, size_t,
	    struct json_object **);
int	 body_parse_form_text(struct req *, struct resp *,
	    const struct route *, const struct field *, size_t, const char *,
	    size_t, struct json_object **);
void	 body_params_clear(struct param *, size_t);

#endif
