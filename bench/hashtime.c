/*
 * Time one bcrypt hash at AUTH_BCRYPT_COST through the project's own
 * pw_hash(): the bound on logins per second per core.
 * Prints the median of n hashes in milliseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "config.h"
#include "pw.h"

static int
cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
	struct timespec	 t0, t1;
	char		 err[256], hash[HASH_MAX];
	double		 ms[31];
	int		 i, n = argc > 1 ? atoi(argv[1]) : 5;

	if (n < 1 || n > 31 || config_load(err, sizeof(err)) != 1) {
		fprintf(stderr, "hashtime: %s\n", err);
		return 1;
	}
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (pw_hash("benchmark password", cfg->bcrypt_cost, hash) == -1)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	}
	qsort(ms, (size_t)n, sizeof(ms[0]), cmp);
	printf("%.1f\n", ms[n / 2]);
	config_free();
	return 0;
}
