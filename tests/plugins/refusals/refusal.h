/* Shared by the purpose-built bad plugins of tests/integration/plugins-loader.test.mjs: each
 * file is a plugin with exactly one thing wrong, which the loader must refuse at start-up. */
#ifndef REFUSAL_H
#define REFUSAL_H

#include "lgvo/plugin.h"

/* Some cases overwrite a field that LGVO_PLUGIN_HEADER set: that is the point. */
#pragma GCC diagnostic ignored "-Woverride-init"

static inline int refusal_init_ok(const lgvo_host *host, void **state)
{
    (void)host;
    *state = NULL;
    return 0;
}

static inline void refusal_handler(lgvo_request *req, void *ctx)
{
    (void)req;
    (void)ctx;
}

#endif
