/*
 * GET /metrics: the counters every process of every program keeps
 * (common/metrics.c), with the sessions active now, in Prometheus's
 * text exposition format 0.0.4.  For a client on this machine
 * (loopback; behind AUTH_TRUST_PROXY, the proxy's word for it), or one
 * that sends Authorization: Bearer AUTH_METRICS_TOKEN; 403 otherwise.
 */
#include <string.h>

#include "api.h"
#include "config.h"
#include "metrics.h"

/*
 * Does the bearer match AUTH_METRICS_TOKEN?  Both are hashed first,
 * so the compare takes the same time whatever the lengths.  1 or 0.
 */
static int
token_ok(const char *bearer)
{
	unsigned char	 want[SHA256_LEN], got[SHA256_LEN];

	if (cfg->metrics_token == NULL || bearer == NULL)
		return 0;
	util_sha256(cfg->metrics_token, strlen(cfg->metrics_token), want);
	util_sha256(bearer, strlen(bearer), got);
	return util_equal(want, got, SHA256_LEN);
}

static int
metrics_get(struct req *r, struct resp *p)
{
	char	*text;
	size_t	 len;
	int64_t	 active;

	if (!req_loopback(r) && !token_ok(r->bearer))
		return resp_fail(p, ERR_FORBIDDEN, NULL, "metrics are for "
		    "this machine or the holder of the metrics token");
	if (session_active(&active) == -1 ||
	    metrics_render(active, &text, &len) == -1)
		return 0;
	return resp_text(p, 200, "text/plain; version=0.0.4", text, len);
}

static const struct route routes[] = {
	{ METHOD_GET, "/metrics", ACCESS_PUBLIC, 0, 0, metrics_get },
};

int
main(void)
{

	return api_serve(routes, nitems(routes), NULL, 0);
}
