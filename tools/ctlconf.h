/*
 * authctl's settings: the settings file under the environment, the
 * settings command, and whose rights authctl runs with.
 */
#ifndef CTLCONF_H
#define CTLCONF_H

#include <stddef.h>

int	 ctlconf_apply(char *, size_t);
int	 ctlconf_print(char *, size_t);
int	 ctlconf_drop_root(const char *, char *, size_t);

#endif
