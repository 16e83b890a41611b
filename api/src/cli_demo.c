/* `lgvo-api demo-data`: plausible demo series (issue in progress). */
#include "cli.h"

#include <stdio.h>

int cli_demo_data(struct app *app, PGconn *pg, int argc, char **argv)
{
    (void)app;
    (void)pg;
    (void)argc;
    (void)argv;
    fprintf(stderr, "lgvo-api: demo-data is not available yet\n");
    return 1;
}
