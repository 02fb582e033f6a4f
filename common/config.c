/*
 * Configuration: every AUTH_* variable is read and checked once, before
 * the first request.  A bad value is an error with one clear line, never
 * a silent default.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "keys.h"
#include "mailaddr.h"
#include "util.h"

enum kind {
	KIND_LONG,	/* a decimal number within [min, max] */
	KIND_STRING,	/* any non-empty string */
	KIND_BOOL,	/* on/off, true/false, yes/no, 1/0 */
};

struct setting {
	const char	*name;
	enum kind	 kind;
	size_t		 offset;	/* into struct config */
	const char	*fallback;	/* NULL: none, the field stays unset */
	long		 min, max;
};

#define AT(f) offsetof(struct config, f)

static const struct setting settings[] = {
	{ "AUTH_DB", KIND_STRING, AT(db), "db/auth.db", 0, 0 },
	{ "AUTH_ISSUER", KIND_STRING, AT(issuer), "fcgi-auth", 0, 0 },
	{ "AUTH_ACCESS_TTL", KIND_LONG, AT(access_ttl), "600", 1, 86400 },
	{ "AUTH_REFRESH_TTL", KIND_LONG, AT(refresh_ttl), "1209600",
	    1, 31536000 },
	{ "AUTH_REFRESH_GRACE", KIND_LONG, AT(refresh_grace), "10", 0, 300 },
	{ "AUTH_MAX_SESSIONS", KIND_LONG, AT(max_sessions), "10", 1, 1000 },
	{ "AUTH_BCRYPT_COST", KIND_LONG, AT(bcrypt_cost), "12", 4, 31 },
	{ "AUTH_PASSWORD_MIN", KIND_LONG, AT(password_min), "8", 1, 72 },
	{ "AUTH_PASSWORD_DENYLIST", KIND_STRING, AT(password_denylist),
	    NULL, 0, 0 },
	{ "AUTH_LOGIN_MAX_FAILURES", KIND_LONG, AT(login_max_failures), "5",
	    1, 1000 },
	{ "AUTH_LOGIN_MAX_FAILURES_ADDR", KIND_LONG,
	    AT(login_max_failures_addr), "20", 1, 100000 },
	{ "AUTH_LOGIN_WINDOW", KIND_LONG, AT(login_window), "900", 1, 86400 },
	{ "AUTH_TRUST_PROXY", KIND_BOOL, AT(trust_proxy), "off", 0, 0 },
	{ "AUTH_RESET_TTL", KIND_LONG, AT(reset_ttl), "3600", 60, 604800 },
	{ "AUTH_SENDMAIL", KIND_STRING, AT(sendmail),
	    "/usr/sbin/sendmail -t -i", 0, 0 },
	{ "AUTH_MAIL_FROM", KIND_STRING, AT(mail_from),
	    "fcgi-auth <noreply@localhost>", 0, 0 },
	{ "AUTH_PUBLIC_URL", KIND_STRING, AT(public_url),
	    "http://127.0.0.1:3456", 0, 0 },
	{ "AUTH_ACCOUNT_URL", KIND_STRING, AT(account_url), NULL, 0, 0 },
	{ "AUTH_COOKIE_MODE", KIND_BOOL, AT(cookie_mode), "off", 0, 0 },
	{ "AUTH_CORS_ORIGINS", KIND_STRING, AT(cors_origins), NULL, 0, 0 },
	{ "AUTH_MAX_BODY", KIND_LONG, AT(max_body), "65536", 1024, 1048576 },
	{ "AUTH_SENDMAIL_TIMEOUT", KIND_LONG, AT(sendmail_timeout), "10",
	    1, 300 },
	{ "AUTH_VERIFY_TTL", KIND_LONG, AT(verify_ttl), "86400",
	    60, 2592000 },
	{ "AUTH_SESSION_MAX_AGE", KIND_LONG, AT(session_max_age), "2592000",
	    60, 31536000 },
	{ "AUTH_REGISTER_PER_HOUR", KIND_LONG, AT(register_per_hour), "20",
	    1, 1000000 },
	{ "AUTH_MAIL_PER_HOUR", KIND_LONG, AT(mail_per_hour), "10",
	    1, 1000000 },
	{ "AUTH_AUDIT_DAYS", KIND_LONG, AT(audit_days), "90", 1, 36500 },
	{ "AUTH_METRICS_TOKEN", KIND_STRING, AT(metrics_token), NULL, 0, 0 },
	{ "AUTH_METRICS_FILE", KIND_STRING, AT(metrics_file), NULL, 0, 0 },
	{ "AUTH_JWT_ALG", KIND_STRING, AT(jwt_alg_name), "ES256", 0, 0 },
	{ "AUTH_KEY_DIR", KIND_STRING, AT(key_dir), NULL, 0, 0 },
	{ "AUTH_AUDIENCE", KIND_STRING, AT(audience), NULL, 0, 0 },
	{ "AUTH_KEY_PUBLISH_AHEAD", KIND_LONG, AT(key_publish_ahead), "900",
	    0, 2592000 },
	{ "AUTH_REQUIRE_ROLE", KIND_STRING, AT(require_role), NULL, 0, 0 },
	{ "AUTH_LOGIN_URL", KIND_STRING, AT(login_url), NULL, 0, 0 },
};

/* The names AUTH_JWT_ALG takes, as JWS (RFC 7518, RFC 8037) spells them. */
static const char *const algs[ALG__MAX] = {
	"ES256",	/* ALG_ES256 */
	"EdDSA",	/* ALG_EDDSA */
	"RS256",	/* ALG_RS256 */
	"HS256",	/* ALG_HS256 */
};

static struct config	 config;
const struct config	*cfg = &config;

/* Write one "NAME: reason" line into err; returns 0 for the caller. */
static int
fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return 0;
}

/* Parse on/off and its usual spellings; returns 1 on success. */
static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "on", "true", "yes", "1" };
	static const char *const no[] = { "off", "false", "no", "0" };
	size_t	 i;

	for (i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0 || strcasecmp(s, no[i]) == 0) {
			*out = strcasecmp(s, yes[i]) == 0;
			return 1;
		}
	}
	return 0;
}

/*
 * Store one setting from the environment, or its fallback.
 * Returns 1 on success, 0 with a message in err.
 */
static int
load_setting(const struct setting *s, char *err, size_t errsz)
{
	char		*field = (char *)&config + s->offset;
	const char	*v = getenv(s->name);

	if (v == NULL)
		v = s->fallback;
	if (v == NULL)
		return 1;
	/* Apache passes an unset ${VAR} on literally. */
	if (*v == '\0' || strncmp(v, "${", 2) == 0)
		return fail(err, errsz, "%s: must not be empty", s->name);

	switch (s->kind) {
	case KIND_LONG:
		if (!util_parse_long(v, s->min, s->max, (long *)field))
			return fail(err, errsz, "%s: \"%s\" is not a whole "
			    "number from %ld to %ld", s->name, v, s->min,
			    s->max);
		return 1;
	case KIND_BOOL:
		if (!parse_bool(v, (int *)field))
			return fail(err, errsz, "%s: \"%s\" is not on or off",
			    s->name, v);
		return 1;
	case KIND_STRING:
		if ((*(char **)field = strdup(v)) == NULL)
			return fail(err, errsz, "%s: out of memory", s->name);
		return 1;
	}
	return fail(err, errsz, "%s: unknown kind", s->name);
}

/* Keep a copy of len secret bytes; returns 1, or 0 with err set. */
static int
keep_secret(const char *name, const unsigned char *buf, size_t len,
    char *err, size_t errsz)
{

	if (len < SECRET_MIN)
		return fail(err, errsz, "%s: shorter than %d bytes", name,
		    SECRET_MIN);
	if (len > SECRET_MAX)
		return fail(err, errsz, "%s: longer than %d bytes", name,
		    SECRET_MAX);
	if ((config.jwt_secret = malloc(len)) == NULL)
		return fail(err, errsz, "%s: out of memory", name);
	memcpy(config.jwt_secret, buf, len);
	config.jwt_secret_len = len;
	return 1;
}

/*
 * Read a secret file: a regular file private to its owner
 * (util_read_private()).  Trailing newlines are dropped.
 * Returns 1, or 0 with err set.
 */
static int
read_secret(const char *name, const char *path, char *err, size_t errsz)
{
	unsigned char	 buf[SECRET_MAX + 1];
	const char	*why;
	ssize_t		 n;
	size_t		 len;
	int		 rc;

	if ((n = util_read_private(path, buf, sizeof(buf), &why)) == -1)
		return fail(err, errsz, "%s: %s: %s", name, path, why);
	len = (size_t)n;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	rc = keep_secret(name, buf, len, err, errsz);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/*
 * Make a random secret in path, mode 0600, unless one is there already.
 * Several programs start at once, so the secret is written to a
 * private temporary file and linked into place: link(2) fails if
 * another process won, and then its secret is the one to use.
 * Returns 1, or 0 with err set.
 */
static int
make_secret(const char *path, char *err, size_t errsz)
{
	unsigned char	 raw[32];
	char		 hex[2 * sizeof(raw) + 2], tmp[4096];
	int		 fd, ok;

	if (access(path, F_OK) == 0)
		return 1;
	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid())
	    >= (int)sizeof(tmp))
		return fail(err, errsz, "AUTH_DB: path too long");
	if (util_random(raw, sizeof(raw)) == -1)
		return fail(err, errsz, "AUTH_JWT_SECRET: no random bytes");
	util_hex(raw, sizeof(raw), hex);
	strcat(hex, "\n");
	explicit_bzero(raw, sizeof(raw));

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return fail(err, errsz, "AUTH_JWT_SECRET: cannot create "
		    "%s: %s", tmp, strerror(errno));
	ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) &&
	    fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	explicit_bzero(hex, sizeof(hex));
	if (ok && link(tmp, path) == -1 && errno != EEXIST)
		ok = 0;
	unlink(tmp);
	if (!ok)
		return fail(err, errsz, "AUTH_JWT_SECRET: cannot write %s: %s",
		    path, strerror(errno));
	return 1;
}

/*
 * What can be known of the secret settings without reading a file: one
 * of them at most, and a secret given as a value of the right length.
 * Returns 1, or 0 with err set.
 */
static int
check_secret(char *err, size_t errsz)
{
	const char	*v = getenv("AUTH_JWT_SECRET");

	if (v != NULL && getenv("AUTH_JWT_SECRET_FILE") != NULL)
		return fail(err, errsz, "AUTH_JWT_SECRET and "
		    "AUTH_JWT_SECRET_FILE: set only one");
	if (v != NULL && strncmp(v, "${", 2) == 0)
		return fail(err, errsz, "AUTH_JWT_SECRET: not set "
		    "(the web server passed \"%.20s\")", v);
	if (v != NULL && strlen(v) < SECRET_MIN)
		return fail(err, errsz, "AUTH_JWT_SECRET: shorter than %d "
		    "bytes", SECRET_MIN);
	if (v != NULL && strlen(v) > SECRET_MAX)
		return fail(err, errsz, "AUTH_JWT_SECRET: longer than %d "
		    "bytes", SECRET_MAX);
	return 1;
}

/* Is AUTH_DB a PostgreSQL URI (as db_open() tells them)?  1 or 0. */
static int
db_server(void)
{

	return strncmp(config.db, "postgresql://", 13) == 0 ||
	    strncmp(config.db, "postgres://", 11) == 0;
}

/*
 * The folder of the database file, into dir (size bytes), for what is
 * kept beside it.  A PostgreSQL database has no folder: then setting
 * (what to set instead) must be given.  Returns 1, or 0 with err set.
 */
static int
db_folder(char *dir, size_t size, const char *setting, char *err,
    size_t errsz)
{
	char	*dbcopy;
	int	 n;

	if (db_server())
		return fail(err, errsz, "AUTH_DB is PostgreSQL: set %s",
		    setting);
	if ((dbcopy = strdup(config.db)) == NULL)
		return fail(err, errsz, "AUTH_DB: out of memory");
	n = snprintf(dir, size, "%s", dirname(dbcopy));
	free(dbcopy);
	if (n < 0 || (size_t)n >= size)
		return fail(err, errsz, "AUTH_DB: path too long");
	return 1;
}

/*
 * The JWT secret comes from AUTH_JWT_SECRET, from the file named by
 * AUTH_JWT_SECRET_FILE, or from "jwt.secret" beside a SQLite database,
 * made on first start.  Returns 1, or 0 with err set.
 */
static int
load_secret(char *err, size_t errsz)
{
	const char	*v = getenv("AUTH_JWT_SECRET");
	const char	*file = getenv("AUTH_JWT_SECRET_FILE");
	char		 dir[4096], path[4096];
	int		 n;

	if (!check_secret(err, errsz))
		return 0;
	if (v != NULL)
		return keep_secret("AUTH_JWT_SECRET",
		    (const unsigned char *)v, strlen(v), err, errsz);
	if (file != NULL)
		return read_secret("AUTH_JWT_SECRET_FILE", file, err, errsz);

	/* Every host must sign with the same secret: no default. */
	if (!db_folder(dir, sizeof(dir), "AUTH_JWT_SECRET or "
	    "AUTH_JWT_SECRET_FILE, the same on every host", err, errsz))
		return 0;
	n = snprintf(path, sizeof(path), "%s/jwt.secret", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(err, errsz, "AUTH_DB: path too long");
	if (!make_secret(path, err, errsz))
		return 0;
	return read_secret("jwt.secret", path, err, errsz);
}

/*
 * The mail settings.  The mailer is run with execve(), no shell and
 * no PATH lookup (lighttpd passes no PATH), so it must be an absolute
 * path; whether it exists is only known when a mail goes out, as a
 * machine without a mail server must still serve logins.  The From
 * header and the public URL's host (Message-ID, links) must be fit
 * for a mail header.  Returns 1, or 0 with err set.
 */
/*
 * AUTH_ACCOUNT_URL, when set: the pages the mails link to, an http:// or
 * https:// URL with a host and no query, as AUTH_PUBLIC_URL.
 * Returns 1, or 0 with err set.
 */
static int
check_account_url(char *err, size_t errsz)
{
	const char	*s = config.account_url;
	char		 host[256];

	if (s == NULL)
		return 1;
	if ((strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) ||
	    s[strcspn(s, " \t\r\n?#")] != '\0' ||
	    !mailaddr_url_host(s, host, sizeof(host)))
		return fail(err, errsz, "AUTH_ACCOUNT_URL: \"%.*s\" is not "
		    "an http:// or https:// URL with a host and no query",
		    (int)strcspn(s, "\r\n"), s);
	return 1;
}

/*
 * Is o an origin as a browser sends it: http:// or https://, a host
 * in lower case (or [IPv6]), an optional :port, and nothing after (no
 * path, not even "/")?  Anything else would never match.  1 or 0.
 */
static int
origin_ok(const char *o)
{
	const char	*h;

	if (strncmp(o, "https://", 8) == 0)
		h = o + 8;
	else if (strncmp(o, "http://", 7) == 0)
		h = o + 7;
	else
		return 0;
	if (!isalnum((unsigned char)h[0]) && h[0] != '[')
		return 0;
	return h[strspn(h, "abcdefghijklmnopqrstuvwxyz0123456789.-[]:")] ==
	    '\0';
}

/*
 * AUTH_CORS_ORIGINS, when set: origins, separated by spaces or tabs,
 * as cors_allowed() (browser.c) reads them.  Returns 1, or 0 with err
 * set.
 */
static int
check_cors(char *err, size_t errsz)
{
	const char	*w = config.cors_origins;
	char		 o[300];
	size_t		 n;

	if (w == NULL)
		return 1;
	for (; *(w += strspn(w, " \t")) != '\0'; w += n) {
		n = strcspn(w, " \t");
		snprintf(o, sizeof(o), "%.*s", (int)n, w);
		if (n >= sizeof(o) || !origin_ok(o))
			return fail(err, errsz, "AUTH_CORS_ORIGINS: \"%.80s\" is "
			    "not an origin: http:// or https://, a host in "
			    "lower case, an optional :port, no path", o);
	}
	return 1;
}

static int
check_mail(char *err, size_t errsz)
{
	const char	*s = config.sendmail;
	char		 host[MAIL_HOST_MAX + 1];
	size_t		 i, words = 0;

	if (strpbrk(s, "\r\n") != NULL)
		return fail(err, errsz, "AUTH_SENDMAIL: must not contain a "
		    "line break");
	if (s[strspn(s, " \t")] != '/')
		return fail(err, errsz, "AUTH_SENDMAIL: \"%s\" must start "
		    "with the absolute path of the program", s);
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != ' ' && s[i] != '\t' &&
		    (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t'))
			words++;
	if (words > MAIL_ARGS_MAX)
		return fail(err, errsz, "AUTH_SENDMAIL: more than %d words",
		    MAIL_ARGS_MAX);
	if (!mailaddr_from_ok(config.mail_from))
		return fail(err, errsz, "AUTH_MAIL_FROM: must be one line of "
		    "ASCII, \"address\" or \"Name <address>\"");
	s = config.public_url;
	if ((strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0) ||
	    s[strcspn(s, " \t\r\n?#")] != '\0' ||
	    !mailaddr_url_host(s, host, sizeof(host)))
		return fail(err, errsz, "AUTH_PUBLIC_URL: \"%.*s\" is not "
		    "an http:// or https:// URL with a host and no query",
		    (int)strcspn(s, "\r\n"), s);
	return check_account_url(err, errsz);
}

/*
 * The token settings: AUTH_JWT_ALG one of algs[], the key folder
 * (default: the database's; it must be there already, as the
 * database's is), and the audience (default: the issuer).
 * Returns 1, or 0 with err set.
 */
static int
check_tokens(char *err, size_t errsz)
{
	char	 dir[4096];
	size_t	 i;

	for (i = 0; i < ALG__MAX; i++)
		if (strcmp(config.jwt_alg_name, algs[i]) == 0)
			break;
	if (i == ALG__MAX)
		return fail(err, errsz, "AUTH_JWT_ALG: \"%.20s\" is not ES256, "
		    "EdDSA, RS256 or HS256", config.jwt_alg_name);
	config.jwt_alg = (enum alg)i;
	if (config.audience == NULL &&
	    (config.audience = strdup(config.issuer)) == NULL)
		return fail(err, errsz, "AUTH_AUDIENCE: out of memory");
	/*
	 * Every host must publish and sign with one key set: no default
	 * on PostgreSQL.  HS256 keeps no keys.
	 */
	if (config.key_dir == NULL && (!db_server() ||
	    config.jwt_alg != ALG_HS256)) {
		if (!db_folder(dir, sizeof(dir), "AUTH_KEY_DIR, a folder "
		    "every host shares", err, errsz))
			return 0;
		if ((config.key_dir = strdup(dir)) == NULL)
			return fail(err, errsz, "AUTH_KEY_DIR: out of memory");
	}
	return 1;
}

/*
 * The metrics token travels in an Authorization header and is compared
 * with what a scraper sends: printable ASCII without spaces, and as
 * long as a secret, so that it cannot be guessed.  Returns 1, or 0
 * with err set.
 */
static int
check_metrics(char *err, size_t errsz)
{
	const char	*t = config.metrics_token;
	size_t		 i, n;

	if (t == NULL)
		return 1;
	n = strlen(t);
	for (i = 0; i < n; i++)
		if (t[i] <= ' ' || t[i] > '~')
			return fail(err, errsz, "AUTH_METRICS_TOKEN: only "
			    "printable ASCII, no spaces");
	if (n < SECRET_MIN || n > SECRET_MAX)
		return fail(err, errsz, "AUTH_METRICS_TOKEN: must be %d to %d "
		    "characters", SECRET_MIN, SECRET_MAX);
	return 1;
}

/*
 * The authorizer's settings: a role users have (user.h's, "user" below
 * "admin"), and a login page the authorizer may send a browser to, a
 * path on this site or an http(s) URL, to which "?next=" or "&next="
 * and the page asked for are added: nothing that could end the
 * Location header or the URL early.  Returns 1, or 0 with err set.
 */
static int
check_authorizer(char *err, size_t errsz)
{
	const char	*r = config.require_role, *u = config.login_url;
	size_t		 i, n;

	if (r != NULL && strcmp(r, "user") != 0 && strcmp(r, "admin") != 0)
		return fail(err, errsz, "AUTH_REQUIRE_ROLE: \"%.20s\" is not "
		    "user or admin", r);
	if (u == NULL)
		return 1;
	n = strlen(u);
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= ' ' || u[i] == 0x7f || u[i] == '#' ||
		    u[i] == '\\')
			break;
	if (i < n || n > LOGIN_URL_MAX ||
	    (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0 &&
	    (u[0] != '/' || u[1] == '/')))
		return fail(err, errsz, "AUTH_LOGIN_URL: must be a path on this "
		    "site (\"/login\") or an http:// or https:// URL, without "
		    "spaces or a \"#\", at most %d characters", LOGIN_URL_MAX);
	return 1;
}

/*
 * Load every setting but the secret and check the mail, metrics,
 * token and authorizer settings.  Returns 1, or 0 with err set.
 */
static int
load_settings(char *err, size_t errsz)
{
	size_t	 i;

	config_free();
	if (errsz > 0)
		err[0] = '\0';
	for (i = 0; i < nitems(settings); i++)
		if (!load_setting(&settings[i], err, errsz))
			return 0;
	return check_mail(err, errsz) && check_metrics(err, errsz) &&
	    check_tokens(err, errsz) && check_authorizer(err, errsz) &&
	    check_cors(err, errsz);
}

/*
 * Load every setting and the secret, and derive the keys.  Returns 1
 * with err "", or -1 with one line in err naming the variable and what
 * is wrong with it.
 */
int
config_load(char *err, size_t errsz)
{

	if (!load_settings(err, errsz) || !load_secret(err, errsz))
		return -1;
	/* Every use of the secret gets a key of its own (keys.c). */
	if (keys_init(config.jwt_secret, config.jwt_secret_len) == -1) {
		fail(err, errsz, "AUTH_JWT_SECRET: cannot derive keys");
		return -1;
	}
	return 1;
}

/*
 * Check the settings as config_load() does, but read or make no secret
 * file, so whoever checks need not be the programs' user.  Returns 1,
 * or -1 with one line in err; config_free() after.
 */
int
config_check(char *err, size_t errsz)
{

	return load_settings(err, errsz) && check_secret(err, errsz) ? 1 : -1;
}

/*
 * Is name a setting?  The table's, and the two secret settings read
 * apart from it.  Returns 1 or 0.
 */
int
config_known(const char *name)
{
	size_t	 i;

	if (strcmp(name, "AUTH_JWT_SECRET") == 0 ||
	    strcmp(name, "AUTH_JWT_SECRET_FILE") == 0)
		return 1;
	for (i = 0; i < nitems(settings); i++)
		if (strcmp(name, settings[i].name) == 0)
			return 1;
	return 0;
}

/* The JWS name of an algorithm ("ES256", ...). */
const char *
config_alg_name(enum alg a)
{

	return algs[a];
}

/* Release every setting; safe to call more than once. */
void
config_free(void)
{
	size_t	 i;

	for (i = 0; i < nitems(settings); i++)
		if (settings[i].kind == KIND_STRING)
			free(*(char **)((char *)&config + settings[i].offset));
	if (config.jwt_secret != NULL)
		explicit_bzero(config.jwt_secret, config.jwt_secret_len);
	free(config.jwt_secret);
	memset(&config, 0, sizeof(config));
	keys_free();
}
