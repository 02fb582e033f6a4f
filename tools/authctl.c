/*
 * authctl: the administrator's tool, using the same settings (AUTH_*)
 * and the same common library as the programs.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"

static int
cmd_migrate(int argc, char *argv[])
{

	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "usage: authctl migrate\n");
		return 2;
	}
	/* db_open() has already migrated. */
	printf("database %s is at schema %d\n", cfg->db,
	    db_migrations[db_migrations_count - 1].version);
	return 0;
}

static const struct command {
	const char	*name;
	int		(*run)(int, char *[]);
	const char	*usage;
} commands[] = {
	{ "migrate", cmd_migrate, "migrate\n"
	    "\tCreate the database, or bring its schema up to date." },
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: authctl COMMAND [ARGS]\n\n"
	    "Settings come from the same AUTH_* variables as the programs "
	    "(AUTH_DB, ...).\n\nCommands:\n");
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  %s\n", commands[i].usage);
}

int
main(int argc, char *argv[])
{
	const struct command	*c = NULL;
	char			 err[512];
	size_t			 i;
	int			 rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL) {
		fprintf(stderr, "authctl: unknown command \"%s\" "
		    "(authctl --help lists them)\n", argv[1]);
		return 2;
	}
	if (!config_load(err, sizeof(err))) {
		fprintf(stderr, "authctl: %s\n", err);
		return 1;
	}
	if (db_open(cfg->db) == -1) {
		fprintf(stderr, "authctl: %s: cannot open the database\n",
		    cfg->db);
		config_free();
		return 1;
	}
	rc = c->run(argc - 2, argv + 2);
	db_close();
	config_free();
	return rc;
}
