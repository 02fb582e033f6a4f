/*
 * Configuration: good values load, every bad one is refused with a
 * line naming the variable, secrets are handled as the contract says.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "config.h"
#include "db.h"
#include "reply.h"
#include "tap.h"

static char	 err[512];

/* Load with one variable set; returns what tap_config() said. */
static int
load_with(const char *name, const char *value)
{
	int	 rc;

	tap_env();
	setenv(name, value, 1);
	rc = tap_config(err, sizeof(err));
	tap_config_free();
	return rc;
}

/* The value must be refused, and the error must name the variable. */
static void
refused(const char *name, const char *value)
{

	ok(!load_with(name, value) && strstr(err, name) != NULL,
	    "%s=\"%s\" refused: %s", name, value, err);
}

static void
test_values(void)
{

	tap_env();
	ok(tap_config(err, sizeof(err)), "defaults load");
	ok(cfg->access_ttl == 600 && cfg->refresh_ttl == 1209600 &&
	    cfg->refresh_grace == 10 && cfg->max_sessions == 10 &&
	    cfg->password_min == 8 && cfg->login_max_failures == 5 &&
	    cfg->login_window == 900 && cfg->max_body == 65536 &&
	    !cfg->cookie_mode && strcmp(cfg->issuer, "fcgi-auth") == 0,
	    "the contract's defaults");
	tap_config_free();

	ok(load_with("AUTH_ACCESS_TTL", "30"), "AUTH_ACCESS_TTL=30 loads");
	ok(load_with("AUTH_COOKIE_MODE", "on"), "AUTH_COOKIE_MODE=on loads");
	refused("AUTH_ACCESS_TTL", "abc");
	refused("AUTH_ACCESS_TTL", "10x");
	refused("AUTH_ACCESS_TTL", "0");
	refused("AUTH_ACCESS_TTL", "-5");
	refused("AUTH_ACCESS_TTL", "");
	refused("AUTH_ACCESS_TTL", "99999999999999999999");
	refused("AUTH_REFRESH_TTL", "1.5");
	refused("AUTH_BCRYPT_COST", "3");
	refused("AUTH_BCRYPT_COST", "32");
	refused("AUTH_MAX_SESSIONS", "0");
	refused("AUTH_COOKIE_MODE", "maybe");
	refused("AUTH_PUBLIC_URL", "ftp://x");
	refused("AUTH_ISSUER", "");
	refused("AUTH_ISSUER", "${AUTH_ISSUER}");

	/* Origins as a browser sends them, or they would never match. */
	ok(load_with("AUTH_CORS_ORIGINS", " https://app.example.com\t"
	    "http://127.0.0.1:8080 http://[::1]:3000 "),
	    "AUTH_CORS_ORIGINS of three origins loads");
	refused("AUTH_CORS_ORIGINS", "*");
	refused("AUTH_CORS_ORIGINS", "https://app.example.com/");
	refused("AUTH_CORS_ORIGINS", "https://app.example.com/app");
	refused("AUTH_CORS_ORIGINS", "https://App.example.com");
	refused("AUTH_CORS_ORIGINS", "app.example.com");
	refused("AUTH_CORS_ORIGINS", "https://a.example.com,https://b.example.com");
	refused("AUTH_CORS_ORIGINS", "https://");
}

/* The mail settings: refused at start with one line, never a newline. */
static void
test_mail(void)
{

	tap_env();
	ok(tap_config(err, sizeof(err)) &&
	    strcmp(cfg->sendmail, "/usr/sbin/sendmail -t -i") == 0 &&
	    cfg->sendmail_timeout == 10 && cfg->verify_ttl == 86400 &&
	    cfg->reset_ttl == 3600, "the mail defaults");
	tap_config_free();
	refused("AUTH_SENDMAIL", "sendmail -t -i");
	ok(strstr(err, "absolute path") != NULL, "%s", err);
	refused("AUTH_SENDMAIL", "./sendmail");
	refused("AUTH_SENDMAIL", "/a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
	    "17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32");
	ok(load_with("AUTH_SENDMAIL", "/a 1 2 3 4 5 6 7 8 9 10 11 12 13 14 "
	    "15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31"),
	    "AUTH_SENDMAIL of 32 words loads");
	refused("AUTH_SENDMAIL", "/bin/true\n-x");
	ok(strchr(err, '\n') == NULL, "the error is one line");
	refused("AUTH_MAIL_FROM", "a@example.com\nBcc: b@example.com");
	ok(strchr(err, '\n') == NULL, "the error is one line");
	refused("AUTH_MAIL_FROM", "Auth, Inc. <a@example.com>");
	refused("AUTH_PUBLIC_URL", "https://example.com/?x=1");
	refused("AUTH_PUBLIC_URL", "https://exa mple.com/");
	refused("AUTH_PUBLIC_URL", "https://");
	refused("AUTH_PUBLIC_URL", "https://a.example\r\nX: y");
	ok(strchr(err, '\n') == NULL, "the error is one line");
	ok(load_with("AUTH_PUBLIC_URL", "https://auth.example.com/app"),
	    "a public URL with a path loads");
	refused("AUTH_SENDMAIL_TIMEOUT", "0");
	ok(load_with("AUTH_SENDMAIL_TIMEOUT", "1"), "AUTH_SENDMAIL_TIMEOUT=1 "
	    "loads");
	refused("AUTH_VERIFY_TTL", "59");
}

/* The token settings: algorithm, audience, key folder. */
static void
test_tokens(void)
{
	char		 dir[] = "/tmp/fcgi-auth-test.XXXXXX", db[256];
	char		 path[512];
	struct stat	 st;
	DIR		*d;
	struct dirent	*e;
	int		 keys = 0;

	tap_env();
	ok(tap_config(err, sizeof(err)) && cfg->jwt_alg == ALG_ES256 &&
	    strcmp(cfg->audience, cfg->issuer) == 0 &&
	    cfg->key_publish_ahead == 900, "ES256, the audience the issuer, "
	    "keys published 900 s ahead by default");
	tap_config_free();
	ok(load_with("AUTH_JWT_ALG", "EdDSA"), "AUTH_JWT_ALG=EdDSA loads");
	ok(load_with("AUTH_JWT_ALG", "RS256"), "AUTH_JWT_ALG=RS256 loads");
	ok(load_with("AUTH_JWT_ALG", "HS256"), "AUTH_JWT_ALG=HS256 loads");
	refused("AUTH_JWT_ALG", "es256");
	refused("AUTH_JWT_ALG", "none");
	refused("AUTH_JWT_ALG", "HS512");
	refused("AUTH_JWT_ALG", "");
	refused("AUTH_KEY_PUBLISH_AHEAD", "-1");
	refused("AUTH_KEY_PUBLISH_AHEAD", "9999999");
	refused("AUTH_KEY_DIR", "/nonexistent/keys");
	refused("AUTH_AUDIENCE", "");
	ok(load_with("AUTH_AUDIENCE", "https://api.example.com"),
	    "AUTH_AUDIENCE loads");

	/* Without AUTH_KEY_DIR: the keys are made beside the database. */
	if (mkdtemp(dir) == NULL)
		abort();
	tap_env();
	unsetenv("AUTH_KEY_DIR");
	snprintf(db, sizeof(db), "%s/auth.db", dir);
	setenv("AUTH_DB", db, 1);
	ok(tap_config(err, sizeof(err)) && strcmp(cfg->key_dir, dir) == 0,
	    "the key folder is the database's: %s", err);
	tap_config_free();
	if ((d = opendir(dir)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (strncmp(e->d_name, "key-", 4) == 0 &&
		    stat(path, &st) == 0 && (st.st_mode & 0777) == 0600)
			keys++;
		if (e->d_name[0] != '.')
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
	ok(keys == 1, "one key made there, mode 0600");
}

static void
test_secrets(void)
{
	char		 dir[] = "/tmp/fcgi-auth-test.XXXXXX", path[256];
	char		 db[256], buf[128];
	struct stat	 st;
	FILE		*f;

	refused("AUTH_JWT_SECRET", "short");
	refused("AUTH_JWT_SECRET", "${AUTH_JWT_SECRET}");
	ok(!load_with("AUTH_JWT_SECRET", "") && strstr(err, "AUTH_JWT_SECRET"),
	    "an empty secret refused");

	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/secret", dir);
	f = fopen(path, "w");
	fputs("file-secret-0123456789abcdef0123456789\n", f);
	fclose(f);
	chmod(path, 0644);

	tap_env();
	unsetenv("AUTH_JWT_SECRET");
	setenv("AUTH_JWT_SECRET_FILE", path, 1);
	ok(!tap_config(err, sizeof(err)) && strstr(err, "chmod"),
	    "a secret file readable by others is refused: %s", err);
	chmod(path, 0600);
	ok(tap_config(err, sizeof(err)) && cfg->jwt_secret_len == 38,
	    "a private secret file loads, newline dropped");
	tap_config_free();

	setenv("AUTH_JWT_SECRET", "env-secret-0123456789abcdef0123456789", 1);
	ok(!tap_config(err, sizeof(err)) && strstr(err, "only one"),
	    "both AUTH_JWT_SECRET and _FILE refused");
	tap_config_free();

	/* Neither: generated once beside the database, mode 0600. */
	unsetenv("AUTH_JWT_SECRET");
	unsetenv("AUTH_JWT_SECRET_FILE");
	snprintf(db, sizeof(db), "%s/auth.db", dir);
	setenv("AUTH_DB", db, 1);
	snprintf(path, sizeof(path), "%s/jwt.secret", dir);
	ok(tap_config(err, sizeof(err)) && stat(path, &st) == 0 &&
	    (st.st_mode & 0777) == 0600, "a secret is generated, mode 0600");
	memcpy(buf, cfg->jwt_secret, 32);
	tap_config_free();
	ok(tap_config(err, sizeof(err)) &&
	    memcmp(buf, cfg->jwt_secret, 32) == 0,
	    "and the same one is used on the next start");
	tap_config_free();

	unlink(path);
	snprintf(path, sizeof(path), "%s/secret", dir);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{

	test_values();
	test_mail();
	test_tokens();
	test_secrets();
	return tap_done();
}
