/*
 * Counters for GET /metrics (Prometheus text exposition 0.0.4), kept
 * in a small file every process of every program maps and adds to
 * with atomic operations, so that they sum over all processes and
 * outlive any of them.  Until metrics_open() succeeded every call is
 * a no-op (authctl, the unit tests, a file that cannot be had).
 */
#ifndef METRICS_H
#define METRICS_H

#include <stddef.h>
#include <stdint.h>

enum metric {
	METRIC_LOGIN_SUCCESS,		/* fcgi_auth_logins_total{outcome} */
	METRIC_LOGIN_FAILURE,
	METRIC_LOGIN_THROTTLED,
	METRIC_REFRESH_SUCCESS,		/* fcgi_auth_refreshes_total{outcome} */
	METRIC_REFRESH_INVALID,
	METRIC_REFRESH_REUSED,
	METRIC_REFRESH_ERROR,
	METRIC_REUSE_DETECTED,		/* fcgi_auth_reuse_detected_total */
	METRIC_THROTTLED_LOGIN,		/* fcgi_auth_throttled_total{kind} */
	METRIC_THROTTLED_REGISTER,
	METRIC_THROTTLED_MAIL,
	METRIC_THROTTLED_CLIENT,
	METRIC_DB_ERRORS,		/* fcgi_auth_db_errors_total */
	METRIC_DB_WAIT_NS,		/* fcgi_auth_db_wait_seconds_total */
	METRIC__MAX
};

int	 metrics_open(const char *, const char *);
void	 metrics_close(void);
void	 metrics_add(enum metric, uint64_t);
void	 metrics_request(int, int64_t);
int	 metrics_render(int64_t, char **, size_t *);

#endif
