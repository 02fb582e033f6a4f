/*
 * The answers several programs share (cgit's ui-shared.c idea): the
 * user resource, the token response, the mapping of a domain result to
 * its status.  A reply_*() that returns int returns 1 with the response
 * set, as a handler does, unless it says otherwise.
 */
#ifndef REPLY_H
#define REPLY_H

#include <stdint.h>

#include "account.h"
#include "api.h"
#include "mailtoken.h"
#include "session.h"
#include "throttle.h"
#include "user.h"

struct json_object;

struct json_object	*reply_user_json(const struct user *);
int			 reply_user(struct resp *, int, const struct user *);
int			 reply_user_get(struct req *, struct resp *);
int			 reply_user_load(struct req *, struct resp *,
			    struct user *);
int			 reply_self_or_admin(const struct req *);
int			 reply_tokens(struct resp *, int,
			    const struct tokens *);
int			 reply_revoked(struct resp *, int);
int			 reply_message(struct resp *, int, const char *);
int			 reply_proof(struct resp *, enum proof, const char *,
			    const char *, int64_t);
int			 reply_throttled(struct resp *, int64_t,
			    const char *);
int			 reply_counted(struct req *, struct resp *, enum limit,
			    const char *);
int			 reply_redeem(struct resp *, enum redeem);
int			 reply_confirmed(struct resp *, enum redeem, int64_t);

#endif
