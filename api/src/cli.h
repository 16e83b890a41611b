/* Administrative subcommands of lgvo-api that work directly on the database:
 *   user add --principal SLUG --username NAME --role ROLE [--area SLUG]... --password-stdin
 *   client add --principal SLUG --name NAME --role reader|reporter [--area SLUG]...
 *   keys rotate | keys list
 * Each prints one JSON document on stdout and returns the process exit code. */
#ifndef LGVO_CLI_H
#define LGVO_CLI_H

#include <libpq-fe.h>

struct app;

int cli_user(struct app *app, PGconn *pg, int argc, char **argv);
int cli_client(struct app *app, PGconn *pg, int argc, char **argv);
int cli_keys(struct app *app, PGconn *pg, int argc, char **argv);
/* demo-data: loads demo series into a database without real pushes (see cli_demo.c). */
int cli_demo_data(struct app *app, PGconn *pg, int argc, char **argv);

#endif
