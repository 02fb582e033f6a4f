/*
 * The PostgreSQL backend of the store, through libpq.  One connection
 * per process, opened before the request loop; each statement is
 * prepared once per connection, at its first use, its ?N parameters
 * made PostgreSQL's $N.  Results come back in binary, so blobs need no
 * decoding and numbers are read by their type.
 *
 * The server may be away: at start (the program starts anyway), or
 * later (a restart, a failover).  A statement outside a transaction
 * then reconnects first, at most once a second; one inside a
 * transaction fails until the caller rolls back, so the rest of a
 * transaction never runs on a new connection without its first half.
 * Either way db_busy() says so, and the request answers 503.
 *
 * The URI may hold a password: it is never logged, only the host and
 * the database's name.
 */
#include <dlfcn.h>
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db_backend.h"
#include "metrics.h"
#include "util.h"

/*
 * libpq is loaded when a PostgreSQL store is opened, not linked: with
 * it come twenty libraries (Kerberos, LDAP, GnuTLS ...), 4 MB more in
 * every process and a slower start for every CGI request, which a
 * program on SQLite would pay for nothing.  The calls below go through
 * this table, filled from libpq.so.5 by libpq_load().
 */
#define LIBPQ		"libpq.so.5"
#define LIBPQ_FUNCTIONS \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) \
	X(PQconninfoFree) X(PQconninfoParse) X(PQenterPipelineMode) \
	X(PQerrorMessage) X(PQexec) X(PQexecPrepared) X(PQexitPipelineMode) \
	X(PQfinish) X(PQfreemem) X(PQftype) X(PQgetisnull) X(PQgetlength) \
	X(PQgetResult) X(PQgetvalue) X(PQnfields) X(PQntuples) \
	X(PQpipelineSync) X(PQprepare) X(PQresultErrorField) \
	X(PQresultStatus) X(PQsendPrepare) X(PQsendQueryParams) \
	X(PQsendQueryPrepared) \
	X(PQsetNoticeProcessor) X(PQsocket) X(PQstatus) \
	X(PQtransactionStatus)

static struct {
#define X(f)	__typeof__(&f) f;
	LIBPQ_FUNCTIONS
#undef X
	void	*handle;
} pq;

/* Each call goes through the table (pq.f itself is left alone). */
#define PQclear(...)			(*pq.PQclear)(__VA_ARGS__)
#define PQcmdStatus(...)		(*pq.PQcmdStatus)(__VA_ARGS__)
#define PQcmdTuples(...)		(*pq.PQcmdTuples)(__VA_ARGS__)
#define PQconnectdbParams(...)		(*pq.PQconnectdbParams)(__VA_ARGS__)
#define PQconninfoFree(...)		(*pq.PQconninfoFree)(__VA_ARGS__)
#define PQconninfoParse(...)		(*pq.PQconninfoParse)(__VA_ARGS__)
#define PQenterPipelineMode(...)	(*pq.PQenterPipelineMode)(__VA_ARGS__)
#define PQerrorMessage(...)		(*pq.PQerrorMessage)(__VA_ARGS__)
#define PQexec(...)			(*pq.PQexec)(__VA_ARGS__)
#define PQexecPrepared(...)		(*pq.PQexecPrepared)(__VA_ARGS__)
#define PQexitPipelineMode(...)		(*pq.PQexitPipelineMode)(__VA_ARGS__)
#define PQfinish(...)			(*pq.PQfinish)(__VA_ARGS__)
#define PQfreemem(...)			(*pq.PQfreemem)(__VA_ARGS__)
#define PQftype(...)			(*pq.PQftype)(__VA_ARGS__)
#define PQgetisnull(...)		(*pq.PQgetisnull)(__VA_ARGS__)
#define PQgetlength(...)		(*pq.PQgetlength)(__VA_ARGS__)
#define PQgetResult(...)		(*pq.PQgetResult)(__VA_ARGS__)
#define PQgetvalue(...)			(*pq.PQgetvalue)(__VA_ARGS__)
#define PQnfields(...)			(*pq.PQnfields)(__VA_ARGS__)
#define PQntuples(...)			(*pq.PQntuples)(__VA_ARGS__)
#define PQpipelineSync(...)		(*pq.PQpipelineSync)(__VA_ARGS__)
#define PQprepare(...)			(*pq.PQprepare)(__VA_ARGS__)
#define PQresultErrorField(...)		(*pq.PQresultErrorField)(__VA_ARGS__)
#define PQresultStatus(...)		(*pq.PQresultStatus)(__VA_ARGS__)
#define PQsendPrepare(...)		(*pq.PQsendPrepare)(__VA_ARGS__)
#define PQsendQueryParams(...)		(*pq.PQsendQueryParams)(__VA_ARGS__)
#define PQsendQueryPrepared(...)	(*pq.PQsendQueryPrepared)(__VA_ARGS__)
#define PQsetNoticeProcessor(...)	(*pq.PQsetNoticeProcessor)(__VA_ARGS__)
#define PQsocket(...)			(*pq.PQsocket)(__VA_ARGS__)
#define PQstatus(...)			(*pq.PQstatus)(__VA_ARGS__)
#define PQtransactionStatus(...)	(*pq.PQtransactionStatus)(__VA_ARGS__)

/*
 * Each connection's settings.  lock_timeout: how long a statement waits
 * for another transaction's lock (SQLite's busy timeout).  Every
 * statement is a lookup by key or indexed range, so the planner keeps
 * to the indexes: a plan made from the statistics of a table analyzed
 * while small (a sequential scan, or a bitmap scan, which never marks
 * index entries dead) stays cached in this long-lived connection while
 * the table grows and dead row versions pile up.  db/README.md, "Plans".
 * A statement that must still read a table whole (schema_version) then
 * carries the disabled path's penalty in its cost, which would make
 * PostgreSQL compile it (JIT: 40-180 ms a statement) or start parallel
 * workers; a service of short lookups wants neither.
 */
#define SETTINGS	"SET lock_timeout = 5000; SET enable_seqscan = off; " \
			"SET enable_bitmapscan = off; SET jit = off; " \
			"SET max_parallel_workers_per_gather = 0"

/* How long a connection attempt may take, unless the URI says. */
#define CONNECT_TIMEOUT	"5"

/* The least time between two attempts to connect, in milliseconds. */
#define RETRY_MS	1000

/*
 * A connection idle this long (ms) is checked before its next statement;
 * a busier one finds out from the statement itself.
 */
#define IDLE_MS		500

/*
 * A statement that took longer than this (ns) waited, as far as the
 * program can tell: every statement is an index lookup that takes well
 * under a millisecond, and the server does not say how long it waited
 * for another transaction's row lock.  Its whole time is counted as
 * fcgi_auth_db_wait_seconds_total.
 */
#define WAITED_NS	10000000

/* Parameters of one statement, at most. */
#define ARGS_MAX	16

/*
 * The migrations' lock, the same for every process and host: taken
 * outright by the one process that migrates, shared by those that wait
 * for it to finish.
 */
#define MIGRATE_KEY	"1718052449, 16"
#define MIGRATE_TRY	"SELECT CASE WHEN pg_try_advisory_xact_lock(" \
			MIGRATE_KEY ") THEN 1 ELSE 0 END"
#define MIGRATE_WAIT	"SELECT pg_advisory_xact_lock_shared(" MIGRATE_KEY ")"

/* The type oids a row's numbers come in (server/catalog/pg_type.h). */
#define OID_BOOL	16
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23

/*
 * Statements sent in one pipeline whose results are not read yet, at
 * most: a transaction's BEGIN, writes held back (db_exec_later()) and
 * the preparation of those used for the first time.
 */
#define QUEUE_MAX	16

/* Classes of SQLSTATE (PostgreSQL's appendix A). */
#define CONSTRAINT	"23"	/* integrity constraint violation */

struct db_row {
	const PGresult	*res;
	int		 row;
};

/* A statement sent in the pipeline: what its result must be. */
struct sent {
	const char	*sql;		/* for the log */
	enum sql	 id;		/* SQL__MAX: BEGIN */
	int		 prepare;	/* its preparation, not its run */
	int64_t		 expect;	/* the rows it must change; -1: any */
};

static char		*uri;		/* AUTH_DB, to reconnect with */
static char		 where[160];	/* "D on H", for the log */
static PGconn		*conn;
static unsigned char	 prepared[SQL__MAX];	/* on this connection */
static int		 params[SQL__MAX];	/* each one's count */
static int		 txn;		/* the caller's transaction is open */
static int		 begun;		/* and its BEGIN is sent */
static int		 busy;
static int		 down;		/* the last attempt to connect failed */
static int		 migrated;
static int64_t		 tried;		/* when, monotonic ms */
static int64_t		 used;		/* the last statement, monotonic ms */
static int		 between;	/* no statement since the last request */
static int		 piping;	/* in libpq's pipeline mode */
static struct sent	 queue[QUEUE_MAX];	/* sent, not read */
static int		 queued;

/*
 * Is an SQLSTATE a failure that passes: the connection (class 08), the
 * server shutting down or starting (57P), too many connections, a lock
 * waited for too long, a deadlock, a serialisation failure?
 */
static int
transient(const char *state)
{
	static const char *const codes[] = {
		"08", "57P", "53300", "55P03", "40P01", "40001", "57014",
	};
	size_t	 i;

	if (state == NULL)
		return 1;
	for (i = 0; i < nitems(codes); i++)
		if (strncmp(state, codes[i], strlen(codes[i])) == 0)
			return 1;
	return 0;
}

/*
 * Log what failed, res (NULL: the connection's own error), and note a
 * failure that passes for db_busy().  Only the primary message: never
 * a statement's parameters.
 */
static void
error(const char *what, const PGresult *res)
{
	const char	*state = NULL, *msg = NULL;

	if (res != NULL) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	if (msg == NULL)
		msg = conn != NULL ? PQerrorMessage(conn) : "no connection";
	if (transient(state) || conn == NULL ||
	    PQstatus(conn) != CONNECTION_OK)
		busy = 1;
	metrics_add(METRIC_DB_ERRORS, 1);
	LOG("PostgreSQL %s: %.*s: %.*s (%s)", where,
	    (int)strcspn(what, "\n"), what, (int)strcspn(msg, "\n"), msg,
	    state != NULL ? state : "no SQLSTATE");
}

/* Notices (a migration's "does not exist, skipping") go nowhere. */
static void
quiet(void *arg, const char *msg)
{

	(void)arg;
	(void)msg;
}

/* Run constant SQL, any number of statements.  Returns 1, or -1. */
static int
exec(const char *sql)
{
	PGresult	*res;
	int		 rc = -1;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK)
		rc = 1;
	else
		error(sql, res);
	PQclear(res);
	return rc;
}

/* The first column of the first row of constant SQL, or -1. */
static int
query_int(const char *sql)
{
	PGresult	*res;
	int		 v = -1;

	res = PQexec(conn, sql);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
	    !PQgetisnull(res, 0, 0))
		v = atoi(PQgetvalue(res, 0, 0));
	else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		error(sql, res);
	PQclear(res);
	return v;
}

/* The schema version the database is at (0: none yet), or -1. */
static int
version(void)
{
	int	 exists;

	if (conn == NULL)
		return -1;
	exists = query_int("SELECT count(*) FROM pg_catalog.pg_class "
	    "WHERE oid = to_regclass('schema_version')");
	if (exists < 1)
		return exists;
	return query_int("SELECT coalesce(max(version), 0) FROM "
	    "schema_version");
}

/*
 * Apply the compiled-in migrations newer than the database's version,
 * in one transaction under an advisory lock, so that whichever process
 * starts first migrates and the others find it done.  The version is
 * read first without the lock: a program started on demand (Apache,
 * plain CGI) must not wait when there is nothing to do.  The processes
 * that start while one migrates (lighttpd starts them all at once) wait
 * for it side by side, on the lock shared, rather than take it in turn
 * each for its own look at the version.  Returns 1, or -1 (logged; busy
 * noted if the migrating process gave up and a later statement may try
 * again).
 */
static int
apply(void)
{
	const struct migration	*m = db_migrations_postgresql;
	char			 set[96];
	int			 i, v, latest, mine;

	latest = m[db_migrations_postgresql_count - 1].version;
	if ((v = version()) == latest)
		return 1;
	if (v < 0 || exec("BEGIN") == -1)
		return -1;
	if ((mine = query_int(MIGRATE_TRY)) == -1)
		goto err;
	if (!mine) {
		if (exec(MIGRATE_WAIT) == -1 || (v = version()) < 0)
			goto err;
		if (v != latest) {
			/* The one that migrated failed: try again later. */
			LOG("PostgreSQL %s: schema %d, not %d, after another "
			    "process's migration", where, v, latest);
			busy = 1;
			goto err;
		}
		return exec("COMMIT");
	}
	if (exec("CREATE TABLE IF NOT EXISTS schema_version "
	    "(version INTEGER NOT NULL)") == -1 || (v = version()) < 0)
		goto err;
	if (v > latest) {
		LOG("PostgreSQL %s: schema %d is newer than this program's %d",
		    where, v, latest);
		goto err;
	}
	for (i = 0; i < db_migrations_postgresql_count; i++) {
		if (m[i].version <= v)
			continue;
		snprintf(set, sizeof(set), "DELETE FROM schema_version; "
		    "INSERT INTO schema_version VALUES (%d)", m[i].version);
		if (exec(m[i].sql) == -1 || exec(set) == -1) {
			LOG("migration %s failed", m[i].name);
			goto err;
		}
	}
	if (exec("COMMIT") == 1)
		return 1;
err:
	exec("ROLLBACK");
	return -1;
}

/*
 * Bring the schema up to date (apply()).  Returns 1; 0 if that failed
 * for a reason that passes (another process held the migrations' lock
 * past lock_timeout, the connection went): a later statement tries
 * again; -1 if the schema is newer than this program's, or a migration
 * failed.
 */
static int
migrate(void)
{
	int	 was = busy, rc;

	busy = 0;
	if ((rc = apply()) == -1 && busy)
		rc = 0;
	busy = busy || was;
	return rc;
}

/* Drop the connection, and with it what was prepared on it. */
static void
disconnect(void)
{

	PQfinish(conn);
	conn = NULL;
	memset(prepared, 0, sizeof(prepared));
	piping = queued = 0;
}

/*
 * Connect to uri, say so in the log when that changes, apply SETTINGS
 * and migrate (once per process).  Returns 1, 0 if the server
 * could not be reached, -1 if the schema cannot be used.
 */
static int
connect_db(void)
{
	const char	*keys[] = { "connect_timeout",
	    "fallback_application_name", "dbname", NULL };
	const char	*vals[] = { CONNECT_TIMEOUT,
	    program_invocation_short_name, uri, NULL };
	int		 rc;

	tried = util_monotonic_ms();
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		if (!down)
			error("cannot connect", NULL);
		busy = down = 1;
		disconnect();
		return 0;
	}
	if (down)
		LOG("PostgreSQL %s: connected again", where);
	down = 0;
	PQsetNoticeProcessor(conn, quiet, NULL);
	if (exec(SETTINGS) == -1) {
		disconnect();
		return 0;
	}
	if (!migrated && (rc = migrate()) != 1) {
		disconnect();
		return rc;
	}
	migrated = 1;
	return 1;
}

/*
 * Did the server drop the connection while it was idle?  It says
 * goodbye before it closes (a restart, a failover, a terminated
 * backend), so anything to read between statements means the
 * connection is done with.  Looked at only after IDLE_MS without a
 * statement, or first in a request: a server that restarts between
 * two requests costs neither a 503, however close they are, while one
 * that goes away during a request fails that request's statement
 * (503), and the next request reconnects.
 */
static int
dropped(void)
{
	struct pollfd	 pfd;
	int64_t		 now = util_monotonic_ms();

	if (PQstatus(conn) != CONNECTION_OK)
		return 1;
	if (!between && now - used < IDLE_MS)
		return 0;
	between = 0;
	used = now;
	pfd.fd = PQsocket(conn);
	pfd.events = POLLIN;
	pfd.revents = 0;
	return poll(&pfd, 1, 0) != 0;
}

/*
 * A connection to run a statement on: the open one, or a new one if
 * it is gone and no transaction is open (inside one, the statement
 * fails until the rollback).  A failed attempt is not repeated within
 * RETRY_MS, so a server that is down costs a request nothing but its
 * 503.  Returns 1, or -1 (busy noted).
 */
static int
ready(void)
{

	if (conn != NULL && !txn && dropped())
		disconnect();
	if (conn != NULL && PQstatus(conn) == CONNECTION_OK) {
		used = util_monotonic_ms();
		return 1;
	}
	if (txn || (down && util_monotonic_ms() - tried < RETRY_MS)) {
		busy = 1;
		return -1;
	}
	disconnect();
	if (connect_db() == 1)
		return 1;
	busy = 1;
	return -1;
}

/*
 * Make a statement's ?N (and bare ?, numbered as SQLite numbers them:
 * one past the largest so far) PostgreSQL's $N, outside quotes.
 * Returns the new text, which the caller frees, with *n the number of
 * parameters; NULL if out of memory or past 999 parameters.
 */
static char *
rewrite(const char *sql, int *n)
{
	const char	*p;
	char		*out, *o, *end, quote = '\0';
	long		 v;

	*n = 0;
	if ((out = o = malloc(4 * strlen(sql) + 1)) == NULL)
		return NULL;
	for (p = sql; *p != '\0'; p++) {
		if (quote != '\0' || *p == '\'' || *p == '"') {
			if (quote == '\0')
				quote = *p;
			else if (*p == quote)
				quote = '\0';
			*o++ = *p;
			continue;
		}
		if (*p != '?') {
			*o++ = *p;
			continue;
		}
		v = *n + 1;
		if (p[1] >= '0' && p[1] <= '9') {
			v = strtol(p + 1, &end, 10);
			p = end - 1;
		}
		if (v < 1 || v > 999) {
			free(out);
			return NULL;
		}
		if (v > *n)
			*n = (int)v;
		o += sprintf(o, "$%ld", v);
	}
	*o = '\0';
	return out;
}

/*
 * The pipeline.  Inside a transaction, what needs no answer before the
 * next statement is sent with it, in one round trip: BEGIN with the
 * transaction's first statement, the writes held back by
 * db_exec_later() with the next statement or with COMMIT, and a first
 * use's preparation with its run.  libpq copies each statement's
 * parameters when it is sent, so the caller may wipe them at once.
 */

/* Enter the pipeline unless in it.  Returns 1, or -1. */
static int
pipe_open(void)
{

	if (!piping && PQenterPipelineMode(conn) != 1) {
		error("pipeline", NULL);
		return -1;
	}
	piping = 1;
	return 1;
}

/* Note a result to come, for sql (id; its preparation if prepare). */
static void
pipe_expect(const char *sql, enum sql id, int prepare, int64_t expect)
{

	queue[queued].sql = sql;
	queue[queued].id = id;
	queue[queued].prepare = prepare;
	queue[queued].expect = expect;
	queued++;
}

/*
 * Is res what s must give: a success, and for a held-back write the
 * rows it expects?  Only the first failure is logged: after it, the
 * server skips the rest of the pipeline (PGRES_PIPELINE_ABORTED).
 */
static int
pipe_checked(const struct sent *s, PGresult *res)
{
	ExecStatusType	 st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		if (s->prepare)
			prepared[s->id] = 0;
		if (st != PGRES_PIPELINE_ABORTED)
			error(s->sql, res);
		return 0;
	}
	if (s->expect >= 0 && strtoll(PQcmdTuples(res), NULL, 10) != s->expect) {
		LOG("PostgreSQL %s: %.*s: %s rows changed, not %lld", where,
		    (int)strcspn(s->sql, "\n"), s->sql, PQcmdTuples(res),
		    (long long)s->expect);
		return 0;
	}
	return 1;
}

/*
 * End the pipeline: send it, read each queued result and check it,
 * then, if last is not NULL, the result of the statement sent after
 * them into *last (the caller clears it), and leave pipeline mode.  A
 * connection that goes out of step is dropped: the transaction fails
 * until the rollback.  Returns 1 if every queued statement did what
 * it must, else -1.
 */
static int
pipe_end(PGresult **last)
{
	PGresult	*res, *sync = NULL;
	int		 i, rc = 1;

	if (last != NULL)
		*last = NULL;
	if (PQpipelineSync(conn) != 1)
		goto lost;
	for (i = 0; i < queued; i++) {
		if ((res = PQgetResult(conn)) == NULL)
			goto lost;
		if (!pipe_checked(&queue[i], res))
			rc = -1;
		PQclear(res);
		PQclear(PQgetResult(conn));	/* its end */
	}
	if (last != NULL) {
		if ((*last = PQgetResult(conn)) == NULL)
			goto lost;
		PQclear(PQgetResult(conn));
	}
	sync = PQgetResult(conn);
	if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC ||
	    PQexitPipelineMode(conn) != 1)
		goto lost;
	PQclear(sync);
	piping = queued = 0;
	return rc;
lost:
	error("pipeline", NULL);
	PQclear(sync);
	if (last != NULL) {
		PQclear(*last);
		*last = NULL;
	}
	disconnect();
	busy = 1;
	return -1;
}

/*
 * Before a statement is held back or prepared inside the pipeline:
 * room for two more results (a preparation and its run), sending what
 * is queued if need be.  Returns 1, or -1.
 */
static int
pipe_room(void)
{

	return queued <= QUEUE_MAX - 2 ? 1 : pipe_end(NULL);
}

/* Send the transaction's BEGIN, in the pipeline.  Returns 1, or -1. */
static int
pipe_begin(void)
{

	begun = 1;
	if (pipe_open() == -1)
		return -1;
	if (PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL,
	    0) != 1) {
		error("BEGIN", NULL);
		return -1;
	}
	pipe_expect("BEGIN", SQL__MAX, 0, -1);
	return 1;
}

/*
 * Prepare statement id (its text sql) unless it is: at once, or inside
 * the pipeline, its result read with the statement's own.  Returns 1
 * or -1.
 */
static int
pg_prepare(enum sql id, const char *sql)
{
	PGresult	*res;
	char		 name[16], *text;
	int		 rc = -1, n;

	if (ready() == -1)
		return -1;
	if (prepared[id])
		return 1;
	if ((text = rewrite(sql, &n)) == NULL) {
		LOG("statement %d: cannot rewrite its parameters", (int)id);
		return -1;
	}
	snprintf(name, sizeof(name), "s%d", (int)id);
	if (piping) {
		if (pipe_room() == 1 && pipe_open() == 1 &&
		    PQsendPrepare(conn, name, text, 0, NULL) == 1) {
			pipe_expect(sql, id, 1, -1);
			rc = 1;
		} else if (conn != NULL)
			error(text, NULL);
	} else {
		res = PQprepare(conn, name, text, 0, NULL);
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			rc = 1;
		else
			error(text, res);
		PQclear(res);
	}
	if (rc == 1) {
		prepared[id] = 1;
		params[id] = n;
	}
	free(text);
	return rc;
}

/*
 * Fill libpq's parameter arrays from n arguments: numbers and text as
 * text (the server reads them as the type it inferred), blobs in
 * binary.  num holds the numbers' digits.
 */
static void
bind(const struct db_arg *args, size_t n, const char **vals, int *lens,
    int *fmts, char num[][24])
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		vals[i] = NULL;
		lens[i] = 0;
		fmts[i] = 0;
		switch (args[i].type) {
		case DB_T_INT:
			snprintf(num[i], sizeof(num[i]), "%lld",
			    (long long)args[i].i);
			vals[i] = num[i];
			break;
		case DB_T_TEXT:
			vals[i] = args[i].p;
			break;
		case DB_T_BLOB:
			vals[i] = args[i].p;
			lens[i] = (int)args[i].len;
			fmts[i] = 1;
			break;
		default:
			break;
		}
	}
}

/*
 * Send statement id (sql) with n arguments: prepared first if need be,
 * after the transaction's BEGIN if it is the first.  With nothing
 * queued it runs at once and *res gets its result; else it joins the
 * pipeline, which then ends if res is not NULL.  Returns 1, or -1
 * (logged; *res NULL).
 */
static int
send_statement(enum sql id, const char *sql, const struct db_arg *args,
    size_t n, PGresult **res)
{
	const char	*vals[ARGS_MAX];
	char		 name[16], num[ARGS_MAX][24];
	int		 lens[ARGS_MAX], fmts[ARGS_MAX];

	if (res != NULL)
		*res = NULL;
	if (ready() == -1 || (txn && !begun && pipe_begin() == -1) ||
	    pg_prepare(id, sql) == -1)
		return -1;
	if (n != (size_t)params[id] || n > ARGS_MAX) {
		LOG("%zu arguments for %d parameters in \"%s\"", n,
		    params[id], sql);
		return -1;
	}
	bind(args, n, vals, lens, fmts, num);
	snprintf(name, sizeof(name), "s%d", (int)id);
	if (!piping) {
		*res = PQexecPrepared(conn, name, (int)n, vals, lens, fmts, 1);
		return 1;
	}
	if (PQsendQueryPrepared(conn, name, (int)n, vals, lens, fmts,
	    1) != 1) {
		error(sql, NULL);
		return -1;
	}
	return res == NULL ? 1 : pipe_end(res);
}

/* Hand fn res's rows, as struct db_backend's run() says. */
static int
rows_each(const PGresult *res, db_row_fn fn, void *arg, size_t max,
    size_t *rows)
{
	struct db_row	 row;
	int		 i, more;

	row.res = res;
	for (i = 0; i < PQntuples(res); i++) {
		(*rows)++;
		row.row = i;
		if (fn != NULL && (more = fn(&row, arg)) != 0)
			return more == -1 ? DB_ERROR : DB_DONE;
		if (max > 0 && *rows == max)
			break;
	}
	return DB_DONE;
}

/* See struct db_backend in db_backend.h. */
static int
pg_run(enum sql id, const char *sql, const struct db_arg *args, size_t n,
    db_row_fn fn, void *arg, size_t max, size_t *rows, int64_t *changes)
{
	PGresult	*res;
	const char	*state;
	int		 result;
	int64_t		 t0;

	*rows = 0;
	*changes = 0;
	/* Preparing waits too: parsing a write locks its table. */
	t0 = util_monotonic_ns();
	if (send_statement(id, sql, args, n, &res) == -1) {
		PQclear(res);
		return DB_ERROR;
	}
	if ((t0 = util_monotonic_ns() - t0) > WAITED_NS)
		metrics_add(METRIC_DB_WAIT_NS, (uint64_t)t0);
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
		result = rows_each(res, fn, arg, max, rows);
		break;
	default:
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (state != NULL && strncmp(state, CONSTRAINT, 2) == 0)
			result = DB_CONFLICT;
		else {
			error(sql, res);
			result = DB_ERROR;
		}
		break;
	}
	PQclear(res);
	return result;
}

/* See struct db_backend in db_backend.h. */
static int
pg_later(enum sql id, const char *sql, const struct db_arg *args, size_t n,
    int64_t expect)
{

	if (ready() == -1 || (!begun && pipe_begin() == -1) ||
	    pipe_room() == -1 || pipe_open() == -1 ||
	    send_statement(id, sql, args, n, NULL) == -1)
		return -1;
	pipe_expect(sql, id, 0, expect);
	return 1;
}

/*
 * COMMIT, which must say it committed: in a transaction that failed,
 * PostgreSQL answers COMMIT by rolling back.  Writes held back that
 * must change a given number of rows are checked first; others go in
 * one round trip with it.  Returns 1, or -1.
 */
static int
commit(void)
{
	PGresult	*res = NULL;
	int		 i, counted = 0, rc = -1;

	for (i = 0; i < queued; i++)
		counted = counted || queue[i].expect >= 0;
	if (piping && counted && pipe_end(NULL) == -1)
		return -1;
	if (piping) {
		if (PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL,
		    NULL, 0) != 1 || pipe_end(&res) == -1) {
			PQclear(res);
			return -1;
		}
	} else if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
		LOG("PostgreSQL %s: COMMIT after a failed statement", where);
		return -1;
	} else
		res = PQexec(conn, "COMMIT");
	if (PQresultStatus(res) == PGRES_COMMAND_OK &&
	    strcmp(PQcmdStatus(res), "COMMIT") == 0)
		rc = 1;
	else
		error("COMMIT", res);
	PQclear(res);
	return rc;
}

/* Run one of the transaction verbs.  Returns 1, or -1 (logged). */
static int
pg_txn(enum db_txn t)
{

	switch (t) {
	case DB_TXN_BEGIN:
		if (txn) {
			LOG("BEGIN inside a transaction");
			return -1;
		}
		/* Sent with the first statement (pipe_begin()). */
		if (ready() == -1)
			return -1;
		txn = 1;
		begun = 0;
		return 1;
	case DB_TXN_COMMIT:
		if (!txn)
			return -1;
		if (begun && (conn == NULL || PQstatus(conn) != CONNECTION_OK)) {
			busy = 1;
			return -1;
		}
		if (begun && commit() == -1)
			return -1;
		txn = begun = 0;
		return 1;
	default:
		/* What was held back is read and dropped. */
		if (conn != NULL && piping)
			pipe_end(NULL);
		if (conn != NULL && PQstatus(conn) == CONNECTION_OK &&
		    PQtransactionStatus(conn) != PQTRANS_IDLE)
			exec("ROLLBACK");
		if (conn != NULL && PQstatus(conn) != CONNECTION_OK)
			disconnect();
		txn = begun = 0;
		return 1;
	}
}

/* Is the caller's transaction open?  1 or 0. */
static int
pg_in_txn(void)
{

	return txn;
}

static int
pg_busy(void)
{
	int	 was = busy;

	/* serve.c asks at the end of every request: the next statement
	 * opens a request, and looks at the connection first. */
	between = 1;
	busy = 0;
	return was;
}

/*
 * Load libpq and fill the table of its calls, once.  Returns 1, or -1
 * (logged: the package to install).
 */
static int
libpq_load(void)
{
	void	*h;

	if (pq.handle != NULL)
		return 1;
	if ((h = dlopen(LIBPQ, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		LOG("AUTH_DB is PostgreSQL, but %s does not load (Debian: "
		    "apt install libpq5): %s", LIBPQ, dlerror());
		return -1;
	}
	/* POSIX's way to store what dlsym() returns in a function pointer. */
#define X(f)	if ((*(void **)&pq.f = dlsym(h, #f)) == NULL) \
		goto err;
	LIBPQ_FUNCTIONS
#undef X
	pq.handle = h;
	return 1;
err:
	LOG("%s: %s", LIBPQ, dlerror());
	dlclose(h);
	memset(&pq, 0, sizeof(pq));
	return -1;
}

/*
 * Say which database the URI s names, into out: its name and host (a
 * socket's folder, or "localhost"), never the rest.  Returns 1, or -1
 * if libpq cannot read it (its message is not logged: it may quote
 * the password).
 */
static int
pg_describe(const char *s, char *out, size_t size)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL;
	const char		*db = NULL, *host = NULL;

	if (libpq_load() == -1) {
		snprintf(out, size, "a PostgreSQL database, without libpq");
		return -1;
	}
	if ((opts = PQconninfoParse(s, &err)) == NULL) {
		PQfreemem(err);
		snprintf(out, size, "a PostgreSQL URI libpq cannot read");
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "dbname") == 0 && o->val != NULL)
			db = o->val;
		if (strcmp(o->keyword, "host") == 0 && o->val != NULL)
			host = o->val;
	}
	snprintf(out, size, "%s on %s", db != NULL ? db : "(default)",
	    host != NULL ? host : "localhost");
	PQconninfoFree(opts);
	return 1;
}

/* Close the connection; safe when nothing is open. */
static void
pg_close(void)
{

	disconnect();
	free(uri);
	uri = NULL;
	txn = begun = busy = down = migrated = 0;
	tried = 0;
}

/*
 * Open the store at s, a postgresql:// or postgres:// URI: connect and
 * migrate, or, if the server does not answer, leave that to the first
 * statement.  Returns 1, 0 (not connected yet), or -1 (logged).
 */
static int
pg_open(const char *s)
{
	int	 rc;

	if (pg_describe(s, where, sizeof(where)) == -1) {
		LOG("AUTH_DB: %s", where);
		return -1;
	}
	if ((uri = strdup(s)) == NULL)
		return -1;
	if ((rc = connect_db()) == -1)
		pg_close();
	return rc;
}

/* The schema version, or -1 if not connected. */
static int
pg_schema(void)
{

	return ready() == 1 ? version() : -1;
}

/* A row's column: NULL and a column past the last read as nothing. */
static int
absent(const struct db_row *row, int col)
{

	return col < 0 || col >= PQnfields(row->res) ||
	    PQgetisnull(row->res, row->row, col);
}

static int64_t
col_int(const struct db_row *row, int col)
{
	const char	*v;
	uint64_t	 u8;
	uint32_t	 u4;
	uint16_t	 u2;
	int		 len;

	if (absent(row, col))
		return 0;
	v = PQgetvalue(row->res, row->row, col);
	len = PQgetlength(row->res, row->row, col);
	switch (PQftype(row->res, col)) {
	case OID_INT8:
		if (len != 8)
			break;
		memcpy(&u8, v, 8);
		return (int64_t)be64toh(u8);
	case OID_INT4:
		if (len != 4)
			break;
		memcpy(&u4, v, 4);
		return (int32_t)be32toh(u4);
	case OID_INT2:
		if (len != 2)
			break;
		memcpy(&u2, v, 2);
		return (int16_t)be16toh(u2);
	case OID_BOOL:
		return len == 1 && v[0] != 0;
	}
	LOG("column %d: not an integer (type %u)", col,
	    (unsigned)PQftype(row->res, col));
	return 0;
}

static const char *
col_text(const struct db_row *row, int col)
{

	return absent(row, col) ? "" : PQgetvalue(row->res, row->row, col);
}

static const void *
col_blob(const struct db_row *row, int col, size_t *len)
{

	*len = 0;
	if (absent(row, col))
		return NULL;
	*len = (size_t)PQgetlength(row->res, row->row, col);
	return *len > 0 ? PQgetvalue(row->res, row->row, col) : NULL;
}

static int
col_null(const struct db_row *row, int col)
{

	return absent(row, col);
}

const struct db_backend db_pg = {
	pg_describe,
	pg_open,
	pg_close,
	pg_schema,
	pg_prepare,
	pg_run,
	pg_later,
	pg_txn,
	pg_in_txn,
	pg_busy,
	col_int,
	col_text,
	col_blob,
	col_null,
};
