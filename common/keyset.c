/*
 * The key set, kept as files in AUTH_KEY_DIR so that every process of
 * every program, and every host sharing the folder, sees one set:
 *
 *	key-KID.pem	a private key (PKCS#8, mode 0600), KID its RFC 7638
 *			thumbprint; made once, never changed
 *	keys.state	one line per key: "KID ALG CREATED FROM RETIRED"
 *			(Unix times; RETIRED 0 when not planned), replaced
 *			whole by rename(2), so a reader sees the old file or
 *			the new one
 *	keys.lock	flock(2)ed by whoever changes the set
 *
 * A key is published from CREATED, signs from FROM (the newest such
 * key signs), stops signing at RETIRED and is accepted for the tokens
 * it signed until RETIRED + AUTH_ACCESS_TTL + CLOCK_SKEW, when it
 * leaves the state and its file is deleted (by the next writer: a
 * program that notices, or authctl).  Times, not events, drive the
 * walk, so a key published ahead starts signing everywhere at once
 * without anyone telling the processes.
 *
 * Each process reads the state at start, and the keys at their first
 * use (a program that handles no token never parses one), and
 * afterwards stat(2)s the state file at most once a second (look()):
 * a new inode, size or mtime means a rotation, and the set is read
 * again, keys already loaded kept.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "jwk.h"
#include "keyset.h"
#include "util.h"

#define STATE_NAME	"keys.state"
#define LOCK_NAME	"keys.lock"
#define KEYS_MAX	16		/* keys in the state, all algorithms */
#define STATE_MAX	(KEYS_MAX * 128)
#define PEM_MAX		16384

struct slot {
	char		 kid[KID_LEN + 1];
	enum alg	 alg;
	int64_t		 created, from, retired;
	struct jwk	*key;	/* loaded, for the configured algorithm */
};

struct set {
	struct slot	 s[KEYS_MAX];
	size_t		 n;
};

static struct set	 set;		/* the state as last read */
static int		 opened;
static struct stat	 seen;		/* the state file as last read */
static int64_t		 checked = -1;	/* monotonic second of the last look */
static unsigned int	 generation;
static int		 cleanup_failed;	/* until the state changes */
static int		 wanted;	/* keys are used: load them */

/* The path of name in the key folder, into buf (PATH_MAX).  1 or 0. */
static int
path_of(const char *name, char *buf, size_t size)
{
	int	 n = snprintf(buf, size, "%s/%s", cfg->key_dir, name);

	return n > 0 && (size_t)n < size;
}

/* A key's file name, key-KID.pem, in the key folder. */
static int
key_path(const char *kid, char *buf, size_t size)
{
	char	 name[KID_LEN + 16];

	snprintf(name, sizeof(name), "key-%s.pem", kid);
	return path_of(name, buf, size);
}

/*
 * Give a file made here the key folder's owner: authctl run by root
 * must not leave files the programs (another user) cannot read.
 */
static void
own(int fd)
{
	struct stat	 st;

	if (geteuid() == 0 && stat(cfg->key_dir, &st) == 0 && st.st_uid != 0 &&
	    fchown(fd, st.st_uid, st.st_gid) == -1)
		LOG("%s: chown: %s", cfg->key_dir, strerror(errno));
}

/* Is the slot's key past its last token?  Returns 1 or 0. */
static int
dead(const struct slot *s, int64_t now)
{

	return s->retired != 0 &&
	    now >= s->retired + cfg->access_ttl + CLOCK_SKEW;
}

/* The slot of the configured algorithm that signs at now, or NULL. */
static struct slot *
signer_of(struct set *st, int64_t now)
{
	struct slot	*best = NULL, *s;
	size_t		 i;

	for (i = 0; i < st->n; i++) {
		s = &st->s[i];
		if (s->alg != cfg->jwt_alg || s->from > now ||
		    (s->retired != 0 && s->retired <= now))
			continue;
		if (best == NULL || s->from > best->from ||
		    (s->from == best->from && s->created > best->created))
			best = s;
	}
	return best;
}

/* Parse one state line into s.  Returns 1, or 0 if it is not one. */
static int
parse_line(const char *line, struct slot *s)
{
	char		 kid[64], alg[16];
	long long	 c, f, r;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	if (sscanf(line, "%63s %15s %lld %lld %lld", kid, alg, &c, &f,
	    &r) != 5 || strlen(kid) != KID_LEN ||
	    strspn(kid, B64URL_CHARS) != KID_LEN || c < 0 || f < 0 || r < 0)
		return 0;
	for (i = 0; i < ALG__MAX; i++)
		if (i != ALG_HS256 && strcmp(alg, config_alg_name(i)) == 0)
			break;
	if (i == ALG__MAX)
		return 0;
	memcpy(s->kid, kid, KID_LEN + 1);
	s->alg = (enum alg)i;
	s->created = c;
	s->from = f;
	s->retired = r;
	return 1;
}

/*
 * Read the state file into st (keys not loaded), and its stat into sb
 * (zeroed if there is none).  Returns 1, 0 if there is none, -1.
 */
static int
read_state(struct set *st, struct stat *sb)
{
	char	 path[4096], buf[STATE_MAX + 1], *line, *save;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	memset(st, 0, sizeof(*st));
	memset(sb, 0, sizeof(*sb));
	if (!path_of(STATE_NAME, path, sizeof(path)))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ENOENT)
			return 0;
		LOG("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, sb) == -1 || !S_ISREG(sb->st_mode)) {
		close(fd);
		LOG("%s: not a regular file", path);
		return -1;
	}
	while (len < STATE_MAX &&
	    (n = read(fd, buf + len, STATE_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if (st->n == KEYS_MAX || !parse_line(line, &st->s[st->n]))
			LOG("%s: line ignored: %.60s", path, line);
		else
			st->n++;
	}
	return 1;
}

/* Load the key of slot s from its file.  Returns 1 or -1 (logged). */
static int
load_key(struct slot *s)
{
	char		 path[4096], pem[PEM_MAX];
	const char	*why;
	ssize_t		 n;
	int		 rc = -1;

	if (!key_path(s->kid, path, sizeof(path)))
		return -1;
	if ((n = util_read_private(path, pem, sizeof(pem), &why)) == -1) {
		LOG("%s: %s", path, why);
		return -1;
	}
	if (jwk_from_pem(s->alg, pem, (size_t)n, &s->key) != 1)
		LOG("%s: not a %s private key", path, config_alg_name(s->alg));
	else if (strcmp(s->key->kid, s->kid) != 0)
		LOG("%s: the key's thumbprint is %s", path, s->key->kid);
	else
		rc = 1;
	if (rc == -1) {
		jwk_free(s->key);
		s->key = NULL;
	}
	explicit_bzero(pem, sizeof(pem));
	return rc;
}

/* Free the loaded keys of st; NULL-safe per slot. */
static void
unload(struct set *st)
{
	size_t	 i;

	for (i = 0; i < st->n; i++) {
		jwk_free(st->s[i].key);
		st->s[i].key = NULL;
	}
}

/*
 * Read the set again: the state, then the keys of the configured
 * algorithm still alive, taking those already loaded from the old
 * set.  The signature cache (token.c) is dropped with the old set.
 */
static int
reload(void)
{
	struct set	 st;
	struct stat	 sb;
	size_t		 i, j;
	int64_t		 now = util_now();

	if (read_state(&st, &sb) == -1)
		return -1;
	for (i = 0; i < st.n; i++) {
		if (st.s[i].alg != cfg->jwt_alg || dead(&st.s[i], now))
			continue;
		for (j = 0; j < set.n; j++)
			if (set.s[j].key != NULL &&
			    strcmp(set.s[j].kid, st.s[i].kid) == 0) {
				st.s[i].key = set.s[j].key;
				set.s[j].key = NULL;
			}
		if (st.s[i].key == NULL && wanted)
			load_key(&st.s[i]);
	}
	unload(&set);
	set = st;
	seen = sb;
	cleanup_failed = 0;
	generation++;
	return 1;
}

/* Take the folder's lock; *fd gets it.  Returns 1, 0 if busy (nb), -1. */
static int
lock(int nb, int *fd)
{
	char	 path[4096];

	if (!path_of(LOCK_NAME, path, sizeof(path)) ||
	    (*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		LOG("%s/%s: %s", cfg->key_dir, LOCK_NAME, strerror(errno));
		return -1;
	}
	own(*fd);
	if (flock(*fd, LOCK_EX | (nb ? LOCK_NB : 0)) == 0)
		return 1;
	close(*fd);
	if (nb && errno == EWOULDBLOCK)
		return 0;
	LOG("%s/%s: flock: %s", cfg->key_dir, LOCK_NAME, strerror(errno));
	return -1;
}

/*
 * Write len bytes to a new private file path by way of a temporary
 * file: replace (1) renames it over path, else it is linked, so an
 * existing file is never changed.  Returns 1, or -1 (logged).
 */
static int
write_file(const char *path, const char *data, size_t len, int replace)
{
	char	 tmp[4200];
	int	 fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		LOG("%s: %s", tmp, strerror(errno));
		return -1;
	}
	own(fd);
	ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (ok && replace)
		ok = rename(tmp, path) == 0;
	else if (ok)
		ok = link(tmp, path) == 0 || errno == EEXIST;
	if (!ok)
		LOG("%s: %s", path, strerror(errno));
	unlink(tmp);
	return ok ? 1 : -1;
}

/* Write st as the state file.  Returns 1, or -1 (logged). */
static int
write_state(const struct set *st)
{
	char	 path[4096], buf[STATE_MAX + 512];
	size_t	 len, i;

	len = (size_t)snprintf(buf, sizeof(buf), "# fcgi-auth key set "
	    "(fcgi-auth(7), KEYS): written by the programs and authctl\n"
	    "# kid alg created from retired (Unix times; retired 0: "
	    "not planned)\n");
	for (i = 0; i < st->n && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "%s %s %lld %lld %lld\n", st->s[i].kid,
		    config_alg_name(st->s[i].alg), (long long)st->s[i].created,
		    (long long)st->s[i].from, (long long)st->s[i].retired);
	if (len >= sizeof(buf) || !path_of(STATE_NAME, path, sizeof(path)))
		return -1;
	return write_file(path, buf, len, 1);
}

/*
 * Make a new key of the configured algorithm, write its file and add
 * it to st, signing from from.  Returns the slot, or NULL (logged).
 */
static struct slot *
add_key(struct set *st, int64_t now, int64_t from)
{
	struct jwk	*k = NULL;
	struct slot	*s;
	char		 path[4096], *pem = NULL;
	size_t		 len = 0;
	int		 ok;

	if (st->n == KEYS_MAX) {
		LOG("%s: already %d keys", cfg->key_dir, KEYS_MAX);
		return NULL;
	}
	if (jwk_generate(cfg->jwt_alg, &k) == -1)
		return NULL;
	ok = key_path(k->kid, path, sizeof(path)) &&
	    jwk_to_pem(k, &pem, &len) == 1 &&
	    write_file(path, pem, len, 0) == 1;
	if (pem != NULL)
		explicit_bzero(pem, len);
	free(pem);
	s = &st->s[st->n];
	memset(s, 0, sizeof(*s));
	memcpy(s->kid, k->kid, KID_LEN + 1);
	jwk_free(k);
	if (!ok)
		return NULL;
	s->alg = cfg->jwt_alg;
	s->created = now;
	s->from = from;
	st->n++;
	return s;
}

/*
 * Move the keys past their last token from st to gone.  Their files
 * are deleted once the state without them is written (remove_files()).
 */
static void
drop_dead(struct set *st, int64_t now, struct set *gone)
{
	size_t	 i, j;

	gone->n = 0;
	for (i = j = 0; i < st->n; i++)
		if (!dead(&st->s[i], now))
			st->s[j++] = st->s[i];
		else
			gone->s[gone->n++] = st->s[i];
	st->n = j;
}

/* Delete the files of the keys in gone. */
static void
remove_files(const struct set *gone)
{
	char	 path[4096];
	size_t	 i;

	for (i = 0; i < gone->n; i++)
		if (key_path(gone->s[i].kid, path, sizeof(path)) &&
		    unlink(path) == -1 && errno != ENOENT)
			LOG("%s: %s", path, strerror(errno));
}

/*
 * Change the set: under the lock, read the state afresh, let fn change
 * it (fn returns -1 for an error, 0 for no change, else anything),
 * drop the dead keys, write it, and read it again here.  With nb, give
 * up at once when another process holds the lock.  Returns fn's
 * result, or -1.
 */
static int
mutate(int (*fn)(struct set *, int64_t, void *), void *arg, int nb)
{
	struct set	 st, gone;
	struct stat	 sb;
	int64_t		 now = util_now();
	int		 fd, rc;

	if ((rc = lock(nb, &fd)) != 1)
		return rc;
	if ((rc = read_state(&st, &sb)) != -1) {
		drop_dead(&st, now, &gone);
		if ((rc = fn(&st, now, arg)) != -1 &&
		    (rc != 0 || gone.n > 0)) {
			if (write_state(&st) == -1)
				rc = -1;
			else
				remove_files(&gone);
		}
	}
	close(fd);	/* unlocks */
	if (reload() == -1)
		rc = -1;
	return rc;
}

/*
 * mutate() step at start: make sure a key signs now, bringing the next
 * one forward if there is one, else making the first.
 */
static int
ensure(struct set *st, int64_t now, void *arg)
{
	struct slot	*next = NULL;
	size_t		 i;

	(void)arg;
	if (signer_of(st, now) != NULL)
		return 0;
	for (i = 0; i < st->n; i++)
		if (st->s[i].alg == cfg->jwt_alg && st->s[i].retired == 0 &&
		    st->s[i].from > now &&
		    (next == NULL || st->s[i].from < next->from))
			next = &st->s[i];
	if (next != NULL) {
		next->from = now;
		return RETIRE_PROMOTED;
	}
	return add_key(st, now, now) != NULL ? RETIRE_REPLACED : -1;
}

/* What rotate() and retire() are given and give back. */
struct change {
	char		 kid[KID_LEN + 1];
	int64_t		 from;
	enum retire	 rc;
};

/*
 * mutate() step of a rotation: a new key, published now, signs from
 * AUTH_KEY_PUBLISH_AHEAD seconds on; every key of the algorithm that
 * would still sign then is retired at that moment.
 */
static int
rotate(struct set *st, int64_t now, void *arg)
{
	struct change	*c = arg;
	struct slot	*s;
	size_t		 i;

	c->from = now + cfg->key_publish_ahead;
	for (i = 0; i < st->n; i++)
		if (st->s[i].alg == cfg->jwt_alg && (st->s[i].retired == 0 ||
		    st->s[i].retired > c->from))
			st->s[i].retired = c->from;
	if ((s = add_key(st, now, c->from)) == NULL)
		return -1;
	memcpy(c->kid, s->kid, KID_LEN + 1);
	return 1;
}

/*
 * mutate() step of a retirement: the key c->kid stops signing now; if
 * no other key then signs, the next one is brought forward, or a new
 * one made (ensure()).
 */
static int
retire(struct set *st, int64_t now, void *arg)
{
	struct change	*c = arg;
	struct slot	*s = NULL;
	size_t		 i;
	int		 rc;

	for (i = 0; i < st->n; i++)
		if (st->s[i].alg == cfg->jwt_alg &&
		    strcmp(st->s[i].kid, c->kid) == 0)
			s = &st->s[i];
	if (s == NULL || (s->retired != 0 && s->retired <= now)) {
		c->rc = s == NULL ? RETIRE_UNKNOWN : RETIRE_ALREADY;
		return 0;
	}
	s->retired = now;
	if ((rc = ensure(st, now, NULL)) == -1)
		return -1;
	c->rc = rc == 0 ? RETIRE_DONE : (enum retire)rc;
	return 1;
}

/* mutate() step that drops nothing but the dead (drop_dead()). */
static int
cleanup(struct set *st, int64_t now, void *arg)
{

	(void)st;
	(void)now;
	(void)arg;
	return 0;
}

/*
 * Has a key outlived its tokens?  Drop it from the state and delete its
 * file, unless another process is at it (it then will).  A failure is
 * tried again only once the state has changed.
 */
static void
tidy(void)
{
	int64_t	 now = util_now();
	size_t	 i;

	for (i = 0; i < set.n && !cleanup_failed; i++)
		if (dead(&set.s[i], now)) {
			if (mutate(cleanup, NULL, 1) == -1)
				cleanup_failed = 1;
			break;
		}
}

/*
 * Open the key set: read it, and at first start make the first key
 * (every program may start at once: the lock lets one make it, the
 * others read it).  Under HS256 there is nothing to open.  Returns 1,
 * or -1 with one line in err.
 */
int
keyset_open(char *err, size_t errsz)
{
	struct stat	 st;

	keyset_close();
	opened = 1;
	if (cfg->jwt_alg == ALG_HS256)
		return 1;
	if (stat(cfg->key_dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "AUTH_KEY_DIR: %s: not a folder",
		    cfg->key_dir);
		return -1;
	}
	if (reload() == -1 || (signer_of(&set, util_now()) == NULL &&
	    mutate(ensure, NULL, 0) == -1)) {
		snprintf(err, errsz, "AUTH_KEY_DIR: %s: cannot read or make "
		    "the %s keys", cfg->key_dir, cfg->jwt_alg_name);
		return -1;
	}
	tidy();
	checked = util_monotonic_ms() / 1000;
	return 1;
}

/* Forget the set and its keys; safe to call more than once. */
void
keyset_close(void)
{

	unload(&set);
	memset(&set, 0, sizeof(set));
	memset(&seen, 0, sizeof(seen));
	opened = wanted = 0;
	checked = -1;
	generation++;
}

/*
 * At most once a second: has the state file changed (inode, size or
 * mtime), or has a key outlived its tokens?  Read the set again, or
 * drop the dead key (unless another process is at it).
 */
static void
look(void)
{
	struct stat	 sb;
	int64_t		 sec = util_monotonic_ms() / 1000;
	char		 path[4096];

	if (!opened || cfg->jwt_alg == ALG_HS256 || sec == checked)
		return;
	checked = sec;
	if (!path_of(STATE_NAME, path, sizeof(path)))
		return;
	if (stat(path, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	if (sb.st_ino != seen.st_ino || sb.st_dev != seen.st_dev ||
	    sb.st_size != seen.st_size ||
	    sb.st_mtim.tv_sec != seen.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != seen.st_mtim.tv_nsec)
		reload();
	tidy();
}

/*
 * Look at the state (look()), and at the first use of a key in this
 * process, load the keys: from then on reload() keeps them loaded.
 */
static void
use(void)
{
	int64_t	 now;
	size_t	 i;

	look();
	if (wanted || !opened || cfg->jwt_alg == ALG_HS256)
		return;
	wanted = 1;
	now = util_now();
	for (i = 0; i < set.n; i++)
		if (set.s[i].alg == cfg->jwt_alg && set.s[i].key == NULL &&
		    !dead(&set.s[i], now))
			load_key(&set.s[i]);
}

/* The key that signs now, or NULL (logged): a new one if none does. */
const struct jwk *
keyset_signer(void)
{
	struct slot	*s;

	use();
	if ((s = signer_of(&set, util_now())) == NULL &&
	    mutate(ensure, NULL, 0) != -1)
		s = signer_of(&set, util_now());
	if (s == NULL || s->key == NULL) {
		LOG("%s: no %s key to sign with", cfg->key_dir,
		    cfg->jwt_alg_name);
		return NULL;
	}
	return s->key;
}

/*
 * The published key whose tokens carry exactly the header hdr (len
 * bytes of base64url), with the times between which it signed: *from
 * and *retired (0: not retired).  Returns it, or NULL.
 */
const struct jwk *
keyset_key(const char *hdr, size_t len, int64_t *from, int64_t *retired)
{
	int64_t		 now;
	size_t		 i;
	struct slot	*s;

	use();
	now = util_now();
	for (i = 0; i < set.n; i++) {
		s = &set.s[i];
		if (s->key == NULL || s->key->headerlen != len ||
		    memcmp(s->key->header, hdr, len) != 0 || dead(s, now))
			continue;
		*from = s->from;
		*retired = s->retired;
		return s->key;
	}
	return NULL;
}

/* Bumped whenever the set is read again: caches of it start over. */
unsigned int
keyset_generation(void)
{

	look();
	return generation;
}

/* Where slot s stands at now, signer being the slot that signs. */
static enum key_state
state_of(const struct slot *s, const struct slot *signer, int64_t now)
{

	if (s == signer)
		return KEY_SIGNING;
	if (s->retired != 0 && s->retired <= now)
		return KEY_RETIRED;
	return s->from > now ? KEY_NEXT : KEY_STANDBY;
}

/* The key_info of a loaded slot. */
static void
info_of(const struct slot *s, enum key_state state, struct key_info *ki)
{
	const struct jwk	*k = s->key;

	memset(ki, 0, sizeof(*ki));
	ki->kid = s->kid;
	ki->alg = config_alg_name(s->alg);
	ki->kty = k->kty;
	ki->crv = k->crv;
	ki->x = k->x;
	ki->y = k->y;
	ki->n = k->n;
	ki->e = k->e;
	ki->state = state;
	ki->created = s->created;
	ki->from = s->from;
	ki->retired = s->retired;
	if (s->retired != 0)
		ki->deleted = s->retired + cfg->access_ttl + CLOCK_SKEW;
}

/*
 * Call fn(key, arg) for each published key of the configured
 * algorithm: the one that signs, then those published ahead, then
 * the others (the order of a JWKS); fn returns 0 to go on or -1 to
 * stop.  Returns 1, or -1 when fn stopped.
 */
int
keyset_each(int (*fn)(const struct key_info *, void *), void *arg)
{
	static const enum key_state	 order[] = { KEY_SIGNING, KEY_NEXT,
	    KEY_STANDBY, KEY_RETIRED };
	const struct slot		*signer;
	struct key_info			 ki;
	int64_t				 now;
	size_t				 i, o;

	use();
	now = util_now();
	signer = signer_of(&set, now);
	for (o = 0; o < nitems(order); o++)
		for (i = 0; i < set.n; i++) {
			if (set.s[i].key == NULL || dead(&set.s[i], now) ||
			    state_of(&set.s[i], signer, now) != order[o])
				continue;
			info_of(&set.s[i], order[o], &ki);
			if (fn(&ki, arg) == -1)
				return -1;
		}
	return 1;
}

/*
 * Rotate: make the next key, published at once, signing from
 * AUTH_KEY_PUBLISH_AHEAD seconds on, when the keys signing now retire.
 * kid (size bytes) gets its id, *from when it signs.  Returns 1, -1.
 */
int
keyset_rotate(char *kid, size_t size, int64_t *from)
{
	struct change	 c;

	memset(&c, 0, sizeof(c));
	if (cfg->jwt_alg == ALG_HS256 || mutate(rotate, &c, 0) != 1)
		return -1;
	snprintf(kid, size, "%s", c.kid);
	*from = c.from;
	return 1;
}

/*
 * Retire key kid of the configured algorithm now: it signs nothing
 * more and is accepted only for tokens it signed until they expire.
 * Says what else it took for a key to sign now.
 */
enum retire
keyset_retire(const char *kid)
{
	struct change	 c;

	memset(&c, 0, sizeof(c));
	if (cfg->jwt_alg == ALG_HS256 || strlen(kid) != KID_LEN)
		return RETIRE_UNKNOWN;
	memcpy(c.kid, kid, KID_LEN + 1);
	if (mutate(retire, &c, 0) == -1)
		return RETIRE_ERROR;
	return c.rc;
}
