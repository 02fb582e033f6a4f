/*
 * Metrics shared by every process of every program: one block in a
 * file (AUTH_METRICS_FILE, by default "metrics.shm" beside the
 * database) that each process maps and adds to with C11 atomics.  A
 * process that ends, or is killed, takes nothing with it: the counts
 * are in the file, so they sum over all processes, survive restarts,
 * and add up under plain CGI too, where every request is a process.
 *
 * The block has the global counters (enum metric) and one slot per
 * program, claimed by name the first time a process of it opens the
 * file: its requests by status and its histogram of request duration.
 * Updates are relaxed atomic adds: a scrape may see one counter of a
 * request before another, never a torn value.  The file is made
 * whole, mode 0600, under a temporary name and linked into place, so
 * no process ever maps a half-made one; one made by another layout
 * (another version) is left alone and counting is off (logged).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "metrics.h"
#include "util.h"

_Static_assert(ATOMIC_LONG_LOCK_FREE == 2 && ATOMIC_LLONG_LOCK_FREE == 2 &&
    ATOMIC_INT_LOCK_FREE == 2, "shared counters need lock-free atomics");

#define MAGIC		"fcgi-auth metric"	/* 16 bytes, no NUL */
#define LAYOUT		1	/* bump when struct block changes */
#define SLOTS		64	/* programs */
#define NAME_LEN	32
#define STATUS_MIN	100
#define STATUSES	500	/* 100 to 599 */

/* The histogram's upper bounds: 100 us to 10 s (bcrypt is ~250 ms). */
static const struct {
	int64_t		 ns;
	const char	*le;
} bounds[] = {
	{ 100000, "0.0001" }, { 250000, "0.00025" }, { 500000, "0.0005" },
	{ 1000000, "0.001" }, { 2500000, "0.0025" }, { 5000000, "0.005" },
	{ 10000000, "0.01" }, { 25000000, "0.025" }, { 50000000, "0.05" },
	{ 100000000, "0.1" }, { 250000000, "0.25" }, { 500000000, "0.5" },
	{ 1000000000, "1" }, { 2500000000, "2.5" }, { 5000000000, "5" },
	{ 10000000000, "10" },
};
#define BUCKETS		(nitems(bounds) + 1)	/* and +Inf */

/*
 * One program's counters, cache-line aligned: programs do not share.
 * A slot is claimed by a compare-and-swap of its key, a hash of the
 * program's name, from 0; no process ever waits for another's claim,
 * and one killed halfway leaves a slot only unnamed in the exposition.
 */
struct slot {
	_Alignas(64) _Atomic uint64_t	 key;
	_Atomic uint32_t		 named;	/* name written */
	char				 name[NAME_LEN];
	_Atomic uint64_t		 sum_ns;
	_Atomic uint64_t		 buckets[BUCKETS];
	_Atomic uint64_t		 requests[STATUSES];
};

struct header {
	char		 magic[16];
	uint32_t	 layout;
	uint32_t	 size;
};

struct block {
	struct header			 h;
	_Alignas(64) _Atomic uint64_t	 counters[METRIC__MAX];
	struct slot			 slots[SLOTS];
};

static struct block	*blk;
static struct slot	*mine;

/* The file's path: path, or metrics.shm beside the database. */
static int
path_of(const char *path, char out[PATH_MAX])
{
	char	*copy;
	int	 n;

	if (path != NULL)
		n = snprintf(out, PATH_MAX, "%s", path);
	else {
		if ((copy = strdup(cfg->db)) == NULL)
			return -1;
		n = snprintf(out, PATH_MAX, "%s/metrics.shm", dirname(copy));
		free(copy);
	}
	return n < 0 || n >= PATH_MAX ? -1 : 1;
}

/*
 * Make the file at path, whole: a zeroed block with its header, mode
 * 0600, written under a temporary name and linked into place, so that
 * every process maps a complete one; if another process won the race,
 * its file is the one.  Returns 1, or -1 (errno set).
 */
static int
create(const char *path)
{
	struct header	 h;
	char		 tmp[PATH_MAX + 32];
	int		 fd, ok, saved;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(h.magic));
	h.layout = LAYOUT;
	h.size = sizeof(struct block);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1)
		return -1;
	ok = ftruncate(fd, sizeof(struct block)) == 0 &&
	    pwrite(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h);
	ok = close(fd) == 0 && ok;
	if (ok && link(tmp, path) == -1 && errno != EEXIST)
		ok = 0;
	saved = errno;
	unlink(tmp);
	errno = saved;
	return ok ? 1 : -1;
}

/*
 * Map the file at path, made if it is not there: a regular file of
 * this user's, private, of this layout.  Returns the block, or NULL
 * (logged).
 */
static struct block *
map(const char *path)
{
	struct stat	 st;
	struct block	*b;
	int		 fd;

	if ((fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1 &&
	    errno == ENOENT && create(path) == 1)
		fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		LOG("metrics: %s: %s", path, strerror(errno));
		return NULL;
	}
	b = MAP_FAILED;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0)
		LOG("metrics: %s: not a private file of this user's", path);
	else if (st.st_size != (off_t)sizeof(struct block))
		LOG("metrics: %s: another layout; remove it", path);
	else
		b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	close(fd);
	if (b == MAP_FAILED)
		return NULL;
	if (memcmp(b->h.magic, MAGIC, sizeof(b->h.magic)) != 0 ||
	    b->h.layout != LAYOUT || b->h.size != sizeof(*b)) {
		LOG("metrics: %s: another layout; remove it", path);
		munmap(b, sizeof(*b));
		return NULL;
	}
	return b;
}

/* A program's key: FNV-1a of its name, never 0 (a free slot). */
static uint64_t
key_of(const char *name)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h != 0 ? h : 1;
}

/*
 * The slot of program name: the one with its key, or a free one
 * claimed, named, and its name published.  Returns NULL when every
 * slot is taken.
 */
static struct slot *
claim(const char *name)
{
	struct slot	*s;
	uint64_t	 key = key_of(name), k;
	size_t		 i;

	for (i = 0; i < SLOTS; i++) {
		s = &blk->slots[i];
		if ((k = atomic_load(&s->key)) == key)
			return s;
		if (k != 0 || !atomic_compare_exchange_strong(&s->key, &k,
		    key)) {
			/* Taken, maybe by another process of this program. */
			if (k == key)
				return s;
			continue;
		}
		snprintf(s->name, sizeof(s->name), "%s", name);
		atomic_store_explicit(&s->named, 1, memory_order_release);
		return s;
	}
	return NULL;
}

/*
 * Map the metrics file (path, or NULL for the default beside the
 * database) and take program's slot.  Returns 1, or -1 (logged; the
 * counters are then off, the program serves on).
 */
int
metrics_open(const char *path, const char *program)
{
	char	 file[PATH_MAX], name[NAME_LEN];

	metrics_close();
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(program, "."),
	    program);
	if (path_of(path, file) == -1 || (blk = map(file)) == NULL)
		return -1;
	if ((mine = claim(name)) == NULL)
		LOG("metrics: %s: no free slot for %s", file, name);
	return 1;
}

/* Unmap the file; safe when it is not mapped. */
void
metrics_close(void)
{

	if (blk != NULL)
		munmap(blk, sizeof(*blk));
	blk = NULL;
	mine = NULL;
}

/* Add n to counter m. */
void
metrics_add(enum metric m, uint64_t n)
{

	if (blk != NULL)
		atomic_fetch_add_explicit(&blk->counters[m], n,
		    memory_order_relaxed);
}

/* Count a request answered with status, which took ns nanoseconds. */
void
metrics_request(int status, int64_t ns)
{
	size_t	 i;

	if (mine == NULL)
		return;
	if (status < STATUS_MIN || status >= STATUS_MIN + STATUSES)
		status = 500;
	if (ns < 0)
		ns = 0;
	for (i = 0; i < nitems(bounds) && ns > bounds[i].ns; i++)
		continue;
	atomic_fetch_add_explicit(&mine->requests[status - STATUS_MIN], 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&mine->buckets[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&mine->sum_ns, (uint64_t)ns,
	    memory_order_relaxed);
}

static uint64_t
get(_Atomic uint64_t *v)
{

	return atomic_load_explicit(v, memory_order_relaxed);
}

/* Each program's requests by status, then its duration histogram. */
static void
render_programs(FILE *f)
{
	struct slot	*s;
	uint64_t	 n, total;
	size_t		 i, j;

	fputs("# HELP fcgi_auth_requests_total Requests answered, by program "
	    "and status.\n# TYPE fcgi_auth_requests_total counter\n", f);
	for (i = 0; i < SLOTS; i++) {
		s = &blk->slots[i];
		if (!atomic_load_explicit(&s->named, memory_order_acquire))
			continue;
		for (j = 0; j < STATUSES; j++)
			if ((n = get(&s->requests[j])) > 0)
				fprintf(f, "fcgi_auth_requests_total{program="
				    "\"%s\",status=\"%zu\"} %llu\n", s->name,
				    j + STATUS_MIN, (unsigned long long)n);
	}
	fputs("# HELP fcgi_auth_request_duration_seconds From a request's "
	    "arrival at its program to the end of its answer.\n"
	    "# TYPE fcgi_auth_request_duration_seconds histogram\n", f);
	for (i = 0; i < SLOTS; i++) {
		s = &blk->slots[i];
		if (!atomic_load_explicit(&s->named, memory_order_acquire))
			continue;
		/* Cumulative, and _count the same total as +Inf. */
		for (j = 0, total = 0; j < BUCKETS; j++) {
			total += get(&s->buckets[j]);
			fprintf(f, "fcgi_auth_request_duration_seconds_bucket"
			    "{program=\"%s\",le=\"%s\"} %llu\n", s->name,
			    j < nitems(bounds) ? bounds[j].le : "+Inf",
			    (unsigned long long)total);
		}
		fprintf(f, "fcgi_auth_request_duration_seconds_sum{program="
		    "\"%s\"} %.6f\n", s->name, (double)get(&s->sum_ns) / 1e9);
		fprintf(f, "fcgi_auth_request_duration_seconds_count{program="
		    "\"%s\"} %llu\n", s->name, (unsigned long long)total);
	}
}

/* The global counters, one family per line of this table. */
static const struct {
	const char	*name;
	const char	*help;
	const char	*label;		/* NULL: one series, no label */
	struct {
		enum metric	 m;
		const char	*value;
	} series[4];
	size_t		 n;
} families[] = {
	{ "fcgi_auth_logins_total", "Logins (POST /login), by outcome.",
	    "outcome", { { METRIC_LOGIN_SUCCESS, "success" },
	    { METRIC_LOGIN_FAILURE, "failure" },
	    { METRIC_LOGIN_THROTTLED, "throttled" } }, 3 },
	{ "fcgi_auth_refreshes_total", "Refreshes, by outcome.", "outcome",
	    { { METRIC_REFRESH_SUCCESS, "success" },
	    { METRIC_REFRESH_INVALID, "invalid" },
	    { METRIC_REFRESH_REUSED, "reused" },
	    { METRIC_REFRESH_ERROR, "error" } }, 4 },
	{ "fcgi_auth_reuse_detected_total", "Rotated refresh tokens "
	    "presented again: each revoked its session.", NULL,
	    { { METRIC_REUSE_DETECTED, NULL } }, 1 },
	{ "fcgi_auth_throttled_total", "Requests refused by a throttle, by "
	    "kind.", "kind", { { METRIC_THROTTLED_LOGIN, "login" },
	    { METRIC_THROTTLED_REGISTER, "register" },
	    { METRIC_THROTTLED_MAIL, "mail" },
	    { METRIC_THROTTLED_CLIENT, "client" } }, 4 },
	{ "fcgi_auth_db_errors_total", "Database errors (logged).", NULL,
	    { { METRIC_DB_ERRORS, NULL } }, 1 },
};

static void
render_counters(FILE *f)
{
	size_t	 i, j;

	for (i = 0; i < nitems(families); i++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n",
		    families[i].name, families[i].help, families[i].name);
		for (j = 0; j < families[i].n; j++) {
			fputs(families[i].name, f);
			if (families[i].label != NULL)
				fprintf(f, "{%s=\"%s\"}", families[i].label,
				    families[i].series[j].value);
			fprintf(f, " %llu\n", (unsigned long long)
			    get(&blk->counters[families[i].series[j].m]));
		}
	}
	fprintf(f, "# HELP fcgi_auth_db_wait_seconds_total Time spent "
	    "waiting for a locked database.\n"
	    "# TYPE fcgi_auth_db_wait_seconds_total counter\n"
	    "fcgi_auth_db_wait_seconds_total %.6f\n",
	    (double)get(&blk->counters[METRIC_DB_WAIT_NS]) / 1e9);
}

/*
 * The Prometheus text exposition (0.0.4) of every counter, with the
 * gauge of active sessions (read by the caller from the database), in
 * *text (the caller frees it) of *len bytes.  Returns 1, or -1 when
 * the counters are off or out of memory (logged).
 */
int
metrics_render(int64_t active, char **text, size_t *len)
{
	FILE	*f;

	*text = NULL;
	*len = 0;
	if (blk == NULL) {
		LOG("metrics: no metrics file mapped");
		return -1;
	}
	if ((f = open_memstream(text, len)) == NULL) {
		LOG("metrics: out of memory");
		return -1;
	}
	render_programs(f);
	render_counters(f);
	fprintf(f, "# HELP fcgi_auth_active_sessions Sessions neither "
	    "expired nor revoked.\n# TYPE fcgi_auth_active_sessions gauge\n"
	    "fcgi_auth_active_sessions %lld\n", (long long)active);
	if (fclose(f) != 0 || *text == NULL) {
		free(*text);
		*text = NULL;
		LOG("metrics: out of memory");
		return -1;
	}
	return 1;
}
