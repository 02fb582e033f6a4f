# fcgi-auth: one shared library, one small program per endpoint.
#
#   make            build everything
#   make run        build, create the database, serve on http://127.0.0.1:$(PORT)
#                   (TLS=1: HTTPS, self-signed unless TLS_CERT/TLS_KEY;
#                   DB=postgresql: in a throwaway PostgreSQL cluster in
#                   state/pg instead of SQLite's state/auth.db)
#   make run-apache the same through Apache with mod_fcgid (run-cgi: as CGI)
#   make test       unit tests and bats suites; SAN=1 for ASan and UBSan,
#                   HOST=apache or HOST=cgi through Apache instead of lighttpd,
#                   DB=postgresql on a throwaway PostgreSQL cluster
#   make valgrind   the unit tests under valgrind
#   make fuzz       libFuzzer harnesses (clang), FUZZ_TIME seconds each
#   make bench      wrk against the programs and two baselines (DB=postgresql:
#                   SQLite's figures beside PostgreSQL's)
#   make profile    one request's instructions under callgrind
#   make deps       install the Debian packages the build, server and tests need
#   make deps-npm   Swagger UI and the QR code library from npm (make run)
#   make deps-docs  Chromium, Swagger UI and the QR code library (npm)
#                   for /docs and /account/, playwright-core for the
#                   browser tests; tests/docs.bats and pages.bats run it
#   make routes     write the routes and settings in lighttpd.conf and
#                   apache/ from cgi-bin/*.c and common/config.c
#   make install    PREFIX=/usr/local DESTDIR=...; make uninstall undoes it
#                   (install-conf: the settings file and the Debian
#                   web-server snippets, in sysconfdir)
#   make deb        a Debian package, ./fcgi-auth_VERSION_ARCH.deb
#   make test-deb   build it, install it, serve the suites through it
#                   under /auth/, purge it (root; changes the system)

PKGS     = fcgi json-c sqlite3 libcrypt libcrypto
# libpq: its header only; common/db_pg.c loads the library when AUTH_DB
# is PostgreSQL, so that programs on SQLite never map it (and the
# twenty libraries it brings).  The unit tests link it to look at the
# store themselves.
PQ_PKG   = libpq
WARN     = -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
           -Wwrite-strings -Wshadow
HARDEN   = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDLD   = -pie -Wl,-z,relro,-z,now
ifneq ($(filter bench profile,$(MAKECMDGOALS)),)
override SAN :=
endif
ifeq ($(SAN),1)
HARDEN   = -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
           -fno-sanitize-recover=all -fPIE
HARDLD   = -pie -fsanitize=address,undefined
endif
CFLAGS   = -g -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) -Iinclude \
           $(shell pkg-config --cflags $(PKGS) $(PQ_PKG) 2>/dev/null)
LDFLAGS  = $(HARDLD)
LDLIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

PORT    ?= 3456
# Two processes per program per core: one per core left lighttpd and
# the programs waiting on each other with a core a fifth idle (issue 19).
PROCS   ?= $(shell echo $$((2 * $$(nproc 2>/dev/null || echo 1))))
STATE   ?= $(CURDIR)/state
DB      ?= sqlite
HOST    ?= lighttpd

# The store: a SQLite file, or (DB=postgresql) the database fcgiauth of
# a throwaway cluster in $(STATE)/pg, reached by its unix socket only.
PG_DIR   = $(STATE)/pg
ifeq ($(DB),postgresql)
AUTH_DB  = postgresql://fcgiauth@/fcgiauth?host=$(PG_DIR)
else
AUTH_DB ?= $(STATE)/auth.db
endif
# A PostgreSQL store has no folder beside it: make db writes a secret in
# the state folder, and every program is given it, the state folder for
# its keys and a metrics file there, where a SQLite file keeps them.
SECRET_ENV = $(if $(filter postgres://% postgresql://%,$(AUTH_DB)),\
	AUTH_JWT_SECRET_FILE=$(STATE)/jwt.secret AUTH_KEY_DIR=$(STATE) \
	AUTH_METRICS_FILE=$(STATE)/metrics.shm)

# Installation, after the GNU coding standards: the programs are run by
# the web server, not by people, so they go in libexecdir (Debian
# packaging sets it to /usr/lib); the admin tool in sbindir (section 8).
PREFIX     ?= /usr/local
DESTDIR    ?=
sbindir    ?= $(PREFIX)/sbin
libexecdir ?= $(PREFIX)/libexec
sysconfdir ?= $(PREFIX)/etc
localstatedir ?= $(PREFIX)/var
datadir    ?= $(PREFIX)/share
docdir     ?= $(datadir)/doc/fcgi-auth
mandir     ?= $(datadir)/man
INSTALL    ?= install
PKGLIBEXEC  = $(DESTDIR)$(libexecdir)/fcgi-auth
PKGDATA     = $(DESTDIR)$(datadir)/fcgi-auth
PKGDOC      = $(DESTDIR)$(docdir)
PKGCONF     = $(DESTDIR)$(sysconfdir)/fcgi-auth
# The settings file authctl reads (fcgi-auth.conf(5)).
CONF_FILE   = $(sysconfdir)/fcgi-auth/fcgi-auth.conf
# conf/ and server-settings name the installed paths.
SUBST       = sed -e 's|@libexecdir@|$(libexecdir)|g' \
	      -e 's|@sbindir@|$(sbindir)|g' -e 's|@datadir@|$(datadir)|g' \
	      -e 's|@sysconfdir@|$(sysconfdir)|g' \
	      -e 's|@localstatedir@|$(localstatedir)|g'

# /docs: our page and its script, the OpenAPI description, and Swagger
# UI's two files, copied from npm's swagger-ui-dist (make deps-docs;
# never committed).
DOCS       = docs/openapi.json docs/index.html docs/docs.js
SWAGGER    = docs/swagger-ui-bundle.js docs/swagger-ui.css
SWAGGER_NPM = docs/node_modules/swagger-ui-dist
# /account/: the sign-in and account pages, and the QR code library the
# account page draws the second factor's key with, copied from npm's
# qrcode-generator like Swagger UI (make deps-docs; never committed).
ACCOUNT    = $(wildcard docs/account/*.html docs/account/*.css) \
	     $(filter-out docs/account/qrcode.js,$(wildcard docs/account/*.js))
QRCODE     = docs/account/qrcode.js
QRCODE_NPM = docs/node_modules/qrcode-generator/dist/qrcode.js

COMMON_SRC = $(filter-out %.gen.c,$(wildcard common/*.c))
COMMON_GEN = common/migrations.gen.c common/denylist.gen.c
COMMON_OBJ = $(COMMON_SRC:.c=.o) $(COMMON_GEN:.c=.o)
PROGRAMS   = $(patsubst %.c,%.fcgi,$(wildcard cgi-bin/*.c))
TOOLS      = tools/authctl
# What the example configurations serve behind the authorizer.
EXAMPLES   = examples/whoami/whoami.fcgi
UNIT_TESTS = $(patsubst %.c,%.t,$(wildcard tests/unit/test_*.c))
MIGRATIONS = $(sort $(wildcard db/[0-9]*.sql db/sqlite/[0-9]*.sql \
             db/postgresql/[0-9]*.sql))

# libFuzzer harnesses (tests/fuzz/NAME.c), built by clang into their
# own object tree so they never mix with the gcc build.
FUZZ_TIME ?= 60
FUZZ_CC   ?= clang
FUZZ_DIR   = fuzz-build
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -g -O1 -fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE $(WARN) \
             -Iinclude -Icommon \
             $(shell pkg-config --cflags $(PKGS) $(PQ_PKG) 2>/dev/null) \
             $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_OBJ   = $(patsubst %.c,$(FUZZ_DIR)/%.o,$(COMMON_SRC) $(COMMON_GEN))
FUZZERS    = $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/fuzz-%,\
             $(wildcard tests/fuzz/*.c))

-include Makefile.local

all: $(PROGRAMS) $(TOOLS) $(EXAMPLES)

# Rebuild everything when the flags change (SAN=1 and back).
.build-flags: FORCE
	@echo '$(CFLAGS) $(LDFLAGS) $(CONF_FILE)' | cmp -s - $@ || \
	  echo '$(CFLAGS) $(LDFLAGS) $(CONF_FILE)' > $@

common/conffile.o: CFLAGS += -DCONF_FILE='"$(CONF_FILE)"'

%.o: %.c .build-flags
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The migrations are compiled in, so a program never looks for db/ at run time.
common/migrations.gen.c: $(MIGRATIONS) tools/embed-sql.sh
	tools/embed-sql.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

# So is the list of common passwords the policy refuses.
common/denylist.gen.c: db/common-passwords.txt tools/embed-denylist.sh
	tools/embed-denylist.sh db/common-passwords.txt > $@

common/libcommon.a: $(COMMON_OBJ)
	$(AR) rcs $@ $^

cgi-bin/%.fcgi: cgi-bin/%.o common/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $< common/libcommon.a $(LDLIBS)

tools/authctl: tools/authctl.o tools/ctlconf.o common/libcommon.a
	$(CC) $(LDFLAGS) -o $@ tools/authctl.o tools/ctlconf.o common/libcommon.a \
	  $(LDLIBS)

# The unit tests and fuzzers reach the library's internal headers too.
tests/unit/%.o: CFLAGS += -Icommon

tests/unit/%.t: tests/unit/%.o tests/unit/tap.o common/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $< tests/unit/tap.o common/libcommon.a $(LDLIBS) \
	  $(shell pkg-config --libs $(PQ_PKG) 2>/dev/null)

# The web servers' routes and settings come from the C tables; the
# configs are committed (users install them), so this runs by hand after
# a route or setting changes, and tests/routes.bats fails until it has.
routes:
	tools/gen-routes.sh

deps:
	@HOST=$(HOST) DB=$(DB) tools/deps.sh

deps-docs:
	@tools/deps.sh docs
	@$(MAKE) -s --no-print-directory $(SWAGGER) $(QRCODE)

# What make run serves from npm: Swagger UI and the QR code library.
deps-npm:
	@tools/deps.sh npm
	@$(MAKE) -s --no-print-directory $(SWAGGER) $(QRCODE)

$(SWAGGER): docs/%: $(SWAGGER_NPM)/%
	cp $< $@

$(QRCODE): $(QRCODE_NPM)
	cp $< $@

# Benchmarks: see bench/run.sh for the knobs (BENCH_TIME, PROCS, ...).
# Always the optimised build: a leftover SAN=1 build is rebuilt.
bench: all bench/trivial.fcgi bench/hashtime bench/mint bench/metricstime
	@tools/deps.sh wrk
	@DB=$(DB) bench/run.sh

# Instructions and heap calls per request, under callgrind:
# make profile [PROFILE=user-info] (bench/callgrind.sh).
PROFILE ?= user-info
profile: all bench/trivial.fcgi
	@tools/deps.sh valgrind spawn-fcgi libfcgi-bin
	@bench/callgrind.sh $(PROFILE)

bench/trivial.fcgi examples/whoami/whoami.fcgi: %.fcgi: %.o
	$(CC) $(LDFLAGS) -o $@ $< $(LDLIBS)

bench/hashtime bench/mint bench/metricstime: %: %.o common/libcommon.a
	$(CC) $(LDFLAGS) -o $@ $< common/libcommon.a $(LDLIBS)

# The database is created (and migrated) by the same code the programs use.
# The state folder is private: it holds the secret and the FastCGI
# sockets, which would let a local user bypass lighttpd.  With
# DB=postgresql, run as root, the postgres user may pass through it
# (o+x, no listing) to its cluster in $(PG_DIR).
db: all
	@mkdir -p $(STATE) && chmod 700 $(STATE) && mkdir -p $(STATE)/docroot
ifeq ($(DB),postgresql)
	@[ "$$(id -u)" -ne 0 ] || chmod 711 $(STATE)
	@mkdir -p $(PG_DIR) && tools/pg-cluster.sh start $(PG_DIR) && \
	  tools/pg-cluster.sh createdb $(PG_DIR) fcgiauth >/dev/null
endif
	@[ -z "$(SECRET_ENV)" ] || [ -e $(STATE)/jwt.secret ] || \
	  (umask 077 && openssl rand -hex 32 > $(STATE)/jwt.secret)
	AUTH_DB='$(AUTH_DB)' $(SECRET_ENV) tools/authctl migrate

# Stop make run DB=postgresql's cluster (make run stops it on its way out).
stop-db:
	@tools/pg-cluster.sh stop $(PG_DIR)

# TLS=1 serves HTTPS: with TLS_CERT and TLS_KEY, or with a self-signed
# pair made in the state folder (tools/make-cert.sh).
TLS_DIR   = $(STATE)/tls
TLS_CERT ?= $(TLS_DIR)/cert.pem
TLS_KEY  ?= $(TLS_DIR)/key.pem
SCHEME    = $(if $(filter 1,$(TLS)),https,http)
LIGHTTPD_CONF = $(if $(filter 1,$(TLS)),lighttpd-tls.conf,lighttpd.conf)

# The account pages need cookie mode, so make run serves in it unless
# told otherwise (AUTH_COOKIE_MODE=off make run: refresh tokens in JSON),
# and the authorizer sends a browser without a session to their login.
AUTH_COOKIE_MODE ?= on
AUTH_LOGIN_URL ?= /account/login
SERVE = PORT=$(PORT) FCGI_AUTH_HOME=$(CURDIR) FCGI_AUTH_DOCS=$(CURDIR)/docs \
	AUTH_COOKIE_MODE=$(AUTH_COOKIE_MODE) AUTH_LOGIN_URL=$(AUTH_LOGIN_URL) \
	FCGI_AUTH_STATE=$(STATE) FCGI_AUTH_PROCS=$(PROCS) AUTH_DB='$(AUTH_DB)' \
	$(SECRET_ENV) \
	$(if $(filter 1,$(TLS)),TLS=1 TLS_CERT=$(TLS_CERT) TLS_KEY=$(TLS_KEY))

# The server in the foreground; with DB=postgresql the cluster stops
# when it does.
ifeq ($(DB),postgresql)
FOREGROUND = trap 'tools/pg-cluster.sh stop $(PG_DIR)' EXIT INT TERM; $(SERVE)
else
FOREGROUND = $(SERVE) exec
endif

serve-setup: deps
	@$(MAKE) --no-print-directory db
	@$(MAKE) --no-print-directory deps-npm || echo "fcgi-auth: npm" \
	  "failed: /docs has no Swagger UI, /account/ shows the second" \
	  "factor's key as text only"
	@[ "$(TLS)" != 1 ] || [ "$(TLS_CERT)" != "$(TLS_DIR)/cert.pem" ] || \
	  tools/make-cert.sh $(TLS_DIR)

run: serve-setup
	@echo "fcgi-auth: serving on $(SCHEME)://127.0.0.1:$(PORT) (Ctrl-C stops);" \
	  "sign in at $(SCHEME)://127.0.0.1:$(PORT)/account/login"
	@$(FOREGROUND) lighttpd -D -f $(LIGHTTPD_CONF)

# Apache, in the foreground, with the same state folder (apache/run).
run-apache run-cgi: HOST = apache
run-apache: serve-setup
	@echo "fcgi-auth: Apache serving on $(SCHEME)://127.0.0.1:$(PORT) (Ctrl-C stops)"
	@$(FOREGROUND) apache/run fcgid

run-cgi: serve-setup
	@echo "fcgi-auth: Apache (CGI) serving on $(SCHEME)://127.0.0.1:$(PORT) (Ctrl-C stops)"
	@$(FOREGROUND) apache/run cgi

# The docs suite installs what it needs itself (make deps-docs).
test: deps
	@$(MAKE) --no-print-directory all $(UNIT_TESTS)
	@SAN=$(SAN) HOST=$(HOST) DB=$(DB) tests/run.sh

valgrind: deps
	@tools/deps.sh valgrind
	@$(MAKE) --no-print-directory all $(UNIT_TESTS)
	@VALGRIND=1 DB=$(DB) tests/run.sh unit

$(FUZZ_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libcommon.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/tests/fuzz/%.o $(FUZZ_DIR)/libcommon.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Run each harness for FUZZ_TIME seconds from its seeds in
# tests/fuzz/corpus/NAME; new inputs collect in $(FUZZ_DIR)/corpus/NAME,
# a crash is kept as $(FUZZ_DIR)/crash-NAME-* and fails the target.
fuzz: deps
	@tools/deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory $(FUZZERS)
	@set -e; for f in $(FUZZERS); do \
	  name=$${f##*/fuzz-}; mkdir -p $(FUZZ_DIR)/corpus/$$name; \
	  echo "fuzz: $$name for $(FUZZ_TIME) s"; \
	  $$f -max_total_time=$(FUZZ_TIME) -max_len=8192 -timeout=10 \
	    -print_final_stats=1 -dict=tests/fuzz/$$name.dict \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$$name- \
	    $(FUZZ_DIR)/corpus/$$name tests/fuzz/corpus/$$name \
	    2>$(FUZZ_DIR)/$$name.log || { tail -n 60 $(FUZZ_DIR)/$$name.log; exit 1; }; \
	  grep -E '^(stat::number_of_executed_units|Done)' $(FUZZ_DIR)/$$name.log; \
	done

# make install PREFIX=/usr/local DESTDIR=/tmp/stage; make uninstall
# with the same variables removes exactly what it put there.
install: all
	$(INSTALL) -d $(PKGLIBEXEC)/cgi-bin $(DESTDIR)$(sbindir) \
	  $(PKGDATA)/db/sqlite $(PKGDATA)/db/postgresql $(PKGDATA)/docs $(PKGDATA)/docs/account \
	  $(PKGDOC)/examples/apache $(PKGDOC)/examples/verify \
	  $(PKGLIBEXEC)/examples/private/admin $(PKGLIBEXEC)/examples/whoami \
	  $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(mandir)/man7 \
	  $(DESTDIR)$(mandir)/man8
	$(INSTALL) -m 755 $(PROGRAMS) $(PKGLIBEXEC)/cgi-bin/
	$(INSTALL) -m 755 tools/authctl $(DESTDIR)$(sbindir)/
	$(INSTALL) -m 644 db/common-passwords.txt $(PKGDATA)/db/
	$(INSTALL) -m 644 $(wildcard db/sqlite/*.sql) $(PKGDATA)/db/sqlite/
	$(INSTALL) -m 644 $(wildcard db/postgresql/*.sql) $(PKGDATA)/db/postgresql/
	$(INSTALL) -m 644 $(DOCS) $(wildcard $(SWAGGER)) $(PKGDATA)/docs/
	$(INSTALL) -m 644 $(ACCOUNT) $(wildcard $(QRCODE)) $(PKGDATA)/docs/account/
	@[ -n "$(wildcard $(SWAGGER))" ] || echo "install: no Swagger UI" \
	  "(make deps-docs): /docs will be empty, /openapi.json is there"
	$(INSTALL) -m 644 lighttpd.conf lighttpd-tls.conf $(PKGDOC)/examples/
	$(INSTALL) -m 644 apache/httpd.conf apache/cgi.conf apache/tls.conf apache/htaccess \
	  $(PKGDOC)/examples/apache/
	$(INSTALL) -m 755 apache/run $(PKGDOC)/examples/apache/
	$(INSTALL) -m 755 examples/verify/verify.py examples/verify/verify.php \
	  $(PKGDOC)/examples/verify/
# The pages the example configurations guard with the authorizer.
	$(INSTALL) -m 644 examples/private/index.html examples/private/hello.txt \
	  $(PKGLIBEXEC)/examples/private/
	$(INSTALL) -m 644 examples/private/admin/index.html \
	  $(PKGLIBEXEC)/examples/private/admin/
	$(INSTALL) -m 755 examples/private/whoami.cgi $(PKGLIBEXEC)/examples/private/
	$(INSTALL) -m 755 $(EXAMPLES) $(PKGLIBEXEC)/examples/whoami/
	$(INSTALL) -m 644 README.md $(PKGDOC)/
	$(INSTALL) -m 644 man/fcgi-auth.conf.5 $(DESTDIR)$(mandir)/man5/
	$(INSTALL) -m 644 man/fcgi-auth.7 $(DESTDIR)$(mandir)/man7/
	$(INSTALL) -m 644 man/authctl.8 $(DESTDIR)$(mandir)/man8/

# The Debian layout of the web servers' snippets (conf-available), the
# settings file and the script that writes them into the servers'
# syntax; the package's maintainer scripts make the state folder.
install-conf:
	$(INSTALL) -d $(PKGLIBEXEC) $(PKGCONF) $(PKGDATA)/errors \
	  $(DESTDIR)$(sysconfdir)/lighttpd/conf-available \
	  $(DESTDIR)$(sysconfdir)/apache2/conf-available
	$(SUBST) tools/server-settings.sh > $(PKGLIBEXEC)/server-settings
	chmod 755 $(PKGLIBEXEC)/server-settings
	$(INSTALL) -m 644 conf/errors/413.json conf/errors/500.json $(PKGDATA)/errors/
	$(SUBST) conf/fcgi-auth.conf > $(PKGCONF)/fcgi-auth.conf
	chmod 640 $(PKGCONF)/fcgi-auth.conf
	$(SUBST) conf/lighttpd.conf > \
	  $(DESTDIR)$(sysconfdir)/lighttpd/conf-available/50-fcgi-auth.conf
	$(SUBST) conf/apache.conf > \
	  $(DESTDIR)$(sysconfdir)/apache2/conf-available/fcgi-auth.conf
	chmod 644 $(DESTDIR)$(sysconfdir)/lighttpd/conf-available/50-fcgi-auth.conf \
	  $(DESTDIR)$(sysconfdir)/apache2/conf-available/fcgi-auth.conf

uninstall:
	rm -f $(DESTDIR)$(sysconfdir)/lighttpd/conf-available/50-fcgi-auth.conf \
	  $(DESTDIR)$(sysconfdir)/apache2/conf-available/fcgi-auth.conf
	rm -rf $(PKGCONF)
	rm -f $(DESTDIR)$(sbindir)/authctl \
	  $(DESTDIR)$(mandir)/man5/fcgi-auth.conf.5 \
	  $(DESTDIR)$(mandir)/man7/fcgi-auth.7 \
	  $(DESTDIR)$(mandir)/man8/authctl.8
	rm -rf $(PKGLIBEXEC) $(PKGDATA) $(PKGDOC)

clean:
	rm -f common/*.o common/*.d common/*.gen.c common/libcommon.a \
	  cgi-bin/*.o cgi-bin/*.d cgi-bin/*.fcgi tools/*.o tools/*.d $(TOOLS) \
	  tests/unit/*.o tests/unit/*.d tests/unit/*.t .build-flags \
	  bench/*.o bench/*.d bench/*.fcgi bench/hashtime bench/mint \
	  examples/whoami/*.o examples/whoami/*.d $(EXAMPLES) \
	  bench/metricstime \
	  bench/callgrind.out*
	rm -rf $(FUZZ_DIR) $(DEB_DIR)

# make deb: built by dpkg-buildpackage (debian/) from a copy of the
# tree's sources in $(DEB_DIR), so no build output lands in the tree;
# the package is copied here.  make test-deb: tests/deb/run.sh.
DEB_DIR   = deb-build
DEB_TOOLS = debhelper dpkg-dev fakeroot lintian
deb: deps
	@tools/deps.sh $(DEB_TOOLS)
	@DEB_DIR=$(DEB_DIR) tools/make-deb.sh

test-deb: deb
	@tests/deb/run.sh

.PHONY: all routes deps deps-docs deps-npm db stop-db serve-setup run run-apache run-cgi \
	test valgrind fuzz bench profile install install-conf uninstall deb \
	test-deb clean FORCE
.SECONDARY:

-include $(wildcard common/*.d cgi-bin/*.d tools/*.d tests/unit/*.d bench/*.d \
	examples/whoami/*.d \
	$(FUZZ_DIR)/common/*.d $(FUZZ_DIR)/tests/fuzz/*.d)
