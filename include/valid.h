/*
 * Validation of request fields, done once at the boundary.  A validator
 * checks one JSON value and stores what a handler may use in a param.
 */
#ifndef VALID_H
#define VALID_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* A validated field.  Strings point into the request or into own. */
struct param {
	int		 set;	/* the field was sent and is valid */
	const char	*str;
	size_t		 len;
	int64_t		 num;
	int		 flag;
	char		*own;	/* freed after the request */
	const char	*why;	/* on failure: "must be ..." */
};

typedef int (*validator)(struct json_object *, struct param *);

int	 valid_email(struct json_object *, struct param *);
int	 valid_username(struct json_object *, struct param *);
int	 valid_username_or_null(struct json_object *, struct param *);
int	 valid_password(struct json_object *, struct param *);
int	 valid_new_password(struct json_object *, struct param *);
int	 valid_token(struct json_object *, struct param *);
int	 valid_code(struct json_object *, struct param *);
int	 valid_name(struct json_object *, struct param *);
int	 valid_role(struct json_object *, struct param *);
int	 valid_bool(struct json_object *, struct param *);

int		 valid_email_text(const char *, size_t, char **);
const char	*valid_username_text(const char *, size_t);
int		 valid_role_text(const char *);

#endif
