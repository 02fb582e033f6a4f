/* A tiny TAP producer for the C unit tests. */
#ifndef TAP_H
#define TAP_H

#include <stddef.h>

int	 tap_ok(int, const char *, ...) __attribute__((format(printf, 2, 3)));
int	 tap_done(void);
void	 tap_env(void);
int	 tap_config(char *, size_t);
void	 tap_config_free(void);
int	 tap_pg(void);
long	 tap_sql(const char *, ...) __attribute__((format(printf, 1, 2)));
const char	*tap_keydir(void);

#define ok(cond, ...)	tap_ok((cond) != 0, __VA_ARGS__)

#endif
