/*
 * The key set access tokens are signed with (ES256, EdDSA, RS256): key
 * files and the rotation state in AUTH_KEY_DIR, shared by every
 * process of every program and by every host that shares the folder.
 * Each process reads them at start and looks at the state file's
 * stat(2) at most once a second, so a rotation made by authctl (or by
 * another host) reaches it without a restart and without a file read
 * per request.  Under HS256 the set is empty and nothing is written.
 * keyset_open(), keyset_rotate() and keyset_retire() write under the
 * folder's lock; the rest only read.
 */
#ifndef KEYSET_H
#define KEYSET_H

#include <stddef.h>
#include <stdint.h>

/* Tolerated clock difference between hosts, for iat, nbf and keys. */
#define CLOCK_SKEW	60

/* Where a published key stands. */
enum key_state {
	KEY_SIGNING,	/* signs new tokens */
	KEY_NEXT,	/* published ahead; signs from its "from" time */
	KEY_STANDBY,	/* accepted, not signing (a newer key signs) */
	KEY_RETIRED,	/* accepted for what it signed until "deleted" */
};

/* A published key, as the key set (RFC 7517) and authctl show it. */
struct key_info {
	const char	*kid;
	const char	*alg;
	const char	*kty, *crv;	/* crv NULL for RSA */
	const char	*x, *y;		/* EC: x and y; OKP: x */
	const char	*n, *e;		/* RSA */
	enum key_state	 state;
	int64_t		 created;	/* published since */
	int64_t		 from;		/* signs from */
	int64_t		 retired;	/* stops signing at; 0: not planned */
	int64_t		 deleted;	/* leaves the set at; 0: not planned */
};

/* What keyset_retire() did. */
enum retire {
	RETIRE_DONE,		/* another key signs already */
	RETIRE_PROMOTED,	/* the next key was brought forward to sign now */
	RETIRE_REPLACED,	/* a new key was made to sign now */
	RETIRE_UNKNOWN,		/* no such key of the configured algorithm */
	RETIRE_ALREADY,		/* it was retired already */
	RETIRE_ERROR,
};

struct jwk;

int		 keyset_open(char *, size_t);
void		 keyset_close(void);
int		 keyset_each(int (*)(const struct key_info *, void *), void *);
int		 keyset_rotate(char *, size_t, int64_t *);
enum retire	 keyset_retire(const char *);
unsigned int	 keyset_generation(void);
const struct jwk *keyset_signer(void);
const struct jwk *keyset_key(const char *, size_t, int64_t *, int64_t *);

#endif
