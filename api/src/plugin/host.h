/* The host side of the plugin ABI: the lgvo_host function table (see lgvo/plugin.h). */
#ifndef LGVO_PLUGIN_HOST_H
#define LGVO_PLUGIN_HOST_H

#include "lgvo/plugin.h"

struct app;
struct plugin;

const lgvo_host *host_table(void);
/* Brackets a plugin's init: registration calls are attributed to it. host_end_init returns
 * NULL, or the first registration problem (a static string valid until the next init). */
void host_begin_init(struct app *app, struct plugin *p);
const char *host_end_init(void);

/* Frees what route registration allocated (after the server stopped). */
void host_free(void);

#endif
