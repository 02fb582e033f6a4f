/*
 * The claims of an access token, read from its payload once the
 * signature verified (token.c): a small strict reader for one flat
 * JSON object (amr, RFC 8176, is the one array it takes), with no
 * allocation.  Internal to common/.
 */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stddef.h>
#include <stdint.h>

/* The claims verification reads; others (jti, role) are skipped. */
enum claim {
	CLAIM_ISS,
	CLAIM_AUD,
	CLAIM_SUB,
	CLAIM_SID,
	CLAIM_EXP,
	CLAIM_IAT,
	CLAIM_NBF,
	CLAIM_AUTH_TIME,
	CLAIM_AMR,
	CLAIM_FGP,
	CLAIM__MAX
};

enum claim_type {
	V_ABSENT,
	V_STRING,
	V_INT,		/* a whole number that fits in 64 bits */
	V_OTHER,	/* any other number, true, false, null */
	V_ARRAY,	/* amr only: an array of strings, not empty */
};

/* A claim as read: absent, a string, an integer, or anything else. */
struct claim_value {
	enum claim_type	 type;
	const char	*str;	/* V_STRING: unescaped, in the payload buffer */
	int64_t		 num;	/* V_INT */
};

int	 claims_read(char *, size_t, struct claim_value [CLAIM__MAX]);

#endif
