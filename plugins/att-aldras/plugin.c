/* Area plugin "Att åldras" (att-aldras): ageing. Hospital statistics for people aged 80 and
 * over by municipality of residence (readmissions, emergency visits), care contacts per care
 * level against the whole population, the county networks (palliative care, cognitive
 * impairment, frail older people) and the area overview. See README.md beside this file.
 *
 *   GET   /api/v1/att-aldras                       what the plugin is
 *   POST  /api/v1/att-aldras/hospital-reports      the region's monthly push (write:att-aldras)
 *   GET   /api/v1/att-aldras/hospital-reports      the stored reports
 *   POST  /api/v1/att-aldras/care-levels           yearly contacts per care level (write:att-aldras)
 *   GET   /api/v1/att-aldras/care-levels           the stored contacts with their rates
 *   GET   /api/v1/att-aldras/networks[/:network]   the county networks
 *   POST  /api/v1/att-aldras/networks              a new network (county_admin)
 *   PATCH /api/v1/att-aldras/networks/:network     change a network (org_admin, county_admin)
 *   GET   /api/v1/att-aldras/overview              municipalities against the county
 */
#include "aldras.h"
#include "plugin_common.h"

#include <stdio.h>

const lgvo_host *aa_host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    plugin_reply_about(aa_host, req, &lgvo_plugin);
}

/* 1 when d is a whole number (any double beyond 2^53 is one). */
static int whole(double d)
{
    if (d > 9e15 || d < -9e15)
        return 1;
    return (double)(long long)d == d;
}

/* The validate hook: the shares and rates the plugin derives count people or events, so their
 * numerators and denominators are whole numbers, whoever pushes them (POST /api/v1/values or
 * the plugin's own derived pushes). */
static int validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    (void)state;
    for (size_t i = 0; i < count; i++) {
        const lgvo_value_row *r = &rows[i];
        if (!r->measure || !aa_measure_counts(r->measure))
            continue;
        if (r->has_numerator && !whole(r->numerator))
            aa_host->row_error(errors, r->index, "numerator", "not_a_count",
                               "this measure counts people or events: the numerator must be a whole number");
        if (r->has_denominator && !whole(r->denominator))
            aa_host->row_error(errors, r->index, "denominator", "not_a_count",
                               "this measure counts people or events: the denominator must be a whole number");
    }
    return 0;
}

struct route {
    const char *method, *subpath;
    lgvo_access access;
    lgvo_handler handler;
    const char *operation_id;
};

static const struct route routes[] = {
    {"GET", "", LGVO_ACCESS_AUTHENTICATED, about, "getAttAldrasPlugin"},
    {"POST", "/hospital-reports", LGVO_ACCESS_WRITE_AREA, aa_hospital_push, "pushAttAldrasHospitalReports"},
    {"GET", "/hospital-reports", LGVO_ACCESS_AUTHENTICATED, aa_hospital_list, "listAttAldrasHospitalReports"},
    {"POST", "/care-levels", LGVO_ACCESS_WRITE_AREA, aa_care_push, "pushAttAldrasCareLevels"},
    {"GET", "/care-levels", LGVO_ACCESS_AUTHENTICATED, aa_care_list, "listAttAldrasCareLevels"},
    {"GET", "/networks", LGVO_ACCESS_AUTHENTICATED, aa_networks_list, "listAttAldrasNetworks"},
    {"POST", "/networks", LGVO_ACCESS_COUNTY_ADMIN, aa_network_create, "createAttAldrasNetwork"},
    {"GET", "/networks/:network", LGVO_ACCESS_AUTHENTICATED, aa_network_get, "getAttAldrasNetwork"},
    {"PATCH", "/networks/:network", LGVO_ACCESS_ORG_ADMIN, aa_network_patch, "patchAttAldrasNetwork"},
    {"GET", "/overview", LGVO_ACCESS_AUTHENTICATED, aa_overview, "getAttAldrasOverview"},
};

static int init(const lgvo_host *h, void **state)
{
    aa_host = h;
    *state = NULL; /* nothing kept between requests */
    if (aa_define_measures(h) != 0)
        return 1; /* the host logged why */
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *r = &routes[i];
        const char *area = r->access == LGVO_ACCESS_WRITE_AREA ? AA_AREA : NULL;
        if (h->route(r->method, r->subpath, r->access, area, r->handler, NULL, r->operation_id) != 0)
            return 1;
    }
    return 0;
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Att åldras",
    .slug = "att-aldras",
    .version = "1.0.0",
    .description = "Ageing: hospital statistics for people aged 80 and over by municipality of residence, the county networks (palliative care, cognitive decline, frail elderly) and the area overview.",
    .area = AA_AREA,
    .migrations_dir = "att-aldras/migrations",
    .openapi_path = "att-aldras/openapi.json",
    .init = init,
    .validate = validate,
};
