/* Area plugin "Växa upp och mitt i livet" (vaxa-upp): growing up and mid-life — children
 * placed outside their homes, the joint HVB Fyrbylund, youth health, coordinated individual
 * plans (SIP), reports of concern and the state grants for mental health and suicide prevention.
 *
 * Routes (under /api/v1/vaxa-upp; writes need write:vaxa-upp and host->can_write for each
 * principal named):
 *   GET  ""                          what the plugin is                    authenticated
 *   GET  /hvb/reasons                placement reasons                     authenticated
 *   PUT  /hvb/reasons/:code          add or change a reason                county_admin
 *   POST /hvb/occupancy              HVB occupancy per half-year           write:vaxa-upp
 *   GET  /hvb/occupancy?year=                                              authenticated
 *   POST /hvb/reports                the half-yearly account               write:vaxa-upp
 *   GET  /hvb/reports?year=          with the annual occupancy summary     authenticated
 *   POST /placed-children/checks     health and dental checks              write:vaxa-upp
 *   GET  /placed-children/checks?year=                                     authenticated
 *   POST /youth-health               youth health follow-up                write:vaxa-upp
 *   GET  /youth-health?year=                                               authenticated
 *   POST /sip                        SIP per tertial                       write:vaxa-upp
 *   GET  /sip?year=                                                        authenticated
 *   POST /concern-reports            reports of concern per quarter        write:vaxa-upp
 *   GET  /concern-reports?year=                                            authenticated
 *   POST /grants                     state grants per year                 write:vaxa-upp
 *   GET  /grants?year=                                                     authenticated
 *   GET  /overview?year=             everything per principal, suppressed  authenticated
 *
 * See README.md for the data, the checks and the small-number rule. */
#include "lgvo/plugin.h"
#include "plugin_common.h"
#include "vu.h"

#include <string.h>

const lgvo_host *vu_host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    plugin_reply_about(vu_host, req, &lgvo_plugin);
}

/* ---- measures ---- */

#define SHARE(slug_, title_, title_en_, description_)                                               \
    {.struct_size = sizeof(lgvo_measure_def), .slug = slug_, .title = title_, .title_en = title_en_, \
     .kind = "indicator", .unit = "percent", .period_type = "year", .direction = "higher_is_better",  \
     .ratio = 1, .has_min = 1, .min = 0, .has_max = 1, .max = 100, .age_band = "0-20",               \
     .reported_by = "municipality", .restricted = 1, .subgoal = "vaxa-upp.sg2", .activity = "vaxa-upp.a9", \
     .description = description_}

#define VISITS(slug_, band_, title_, title_en_)                                                     \
    {.struct_size = sizeof(lgvo_measure_def), .slug = slug_, .title = title_, .title_en = title_en_, \
     .kind = "indicator", .unit = "count", .period_type = "year", .direction = "none", .has_min = 1, \
     .min = 0, .age_band = band_, .reported_by = "municipality", .restricted = 1,                      \
     .activity = "vaxa-upp.a2",                                                                        \
     .description = "Visits to the youth health service (ungdomshälsan) by residents of the "          \
                    "municipality in the age band during the year, women and men together. "           \
                    "Derived from POST /api/v1/vaxa-upp/youth-health."}

static const lgvo_measure_def measures[] = {
    SHARE(VU_M_HEALTH_SHARE, "Andel placerade barn och unga 0–20 år som fått en hälsoundersökning",
          "Share of children and young people aged 0-20 placed outside their homes who had a health examination",
          "numerator: children placed during the year who had a health examination; denominator: children "
          "and young people (0-20) placed outside their own homes by the municipality during the year. "
          "Derived from POST /api/v1/vaxa-upp/placed-children/checks."),
    SHARE(VU_M_DENTAL_SHARE, "Andel placerade barn och unga 0–20 år som fått en bedömning av tandhälsan",
          "Share of children and young people aged 0-20 placed outside their homes who had a dental-health assessment",
          "numerator: children placed during the year who had a dental-health assessment; denominator: "
          "children and young people (0-20) placed outside their own homes by the municipality during the "
          "year. Derived from POST /api/v1/vaxa-upp/placed-children/checks."),
    VISITS(VU_M_YOUTH_13_17, "13-17", "Besök på ungdomshälsan, 13–17 år", "Youth health visits, ages 13-17"),
    VISITS(VU_M_YOUTH_18_21, "18-21", "Besök på ungdomshälsan, 18–21 år", "Youth health visits, ages 18-21"),
    VISITS(VU_M_YOUTH_22_25, "22-25", "Besök på ungdomshälsan av unga vuxna 22–25 år (analyseras separat)",
           "Youth health visits by young adults aged 22-25 (analysed separately)"),
    {.struct_size = sizeof(lgvo_measure_def), .slug = VU_M_YOUTH_FTE,
     .title = "Bemanning på ungdomshälsan (heltidstjänster)", .title_en = "Youth health staffing (full-time equivalents)",
     .kind = "indicator", .unit = "fte", .period_type = "year", .direction = "none", .has_min = 1, .min = 0,
     .has_max = 1, .max = 1000, .reported_by = "municipality", .restricted = 1, .activity = "vaxa-upp.a2",
     .description = "Staffing of the youth health service for the municipality's young people, in full-time "
                    "equivalents. Derived from POST /api/v1/vaxa-upp/youth-health."},
    {.struct_size = sizeof(lgvo_measure_def), .slug = VU_M_CONCERN,
     .title = "Antal orosanmälningar som rör barn", .title_en = "Reports of concern about children",
     .kind = "indicator", .unit = "count", .period_type = "quarter", .direction = "none", .has_min = 1,
     .min = 0, .age_band = "0-17", .reported_by = "municipality", .restricted = 1, .subgoal = "vaxa-upp.sg1",
     .description = "Reports of concern about children (orosanmälningar, children at risk) received by the "
                    "municipality's social services during the quarter. Derived from POST "
                    "/api/v1/vaxa-upp/concern-reports."},
    {.struct_size = sizeof(lgvo_measure_def), .slug = VU_M_GRANT_GRANTED,
     .title = "Beviljat statsbidrag enligt ÖK psykisk hälsa och suicidprevention",
     .title_en = "State grant awarded under the agreement on mental health and suicide prevention",
     .kind = "indicator", .unit = "sek", .period_type = "year", .direction = "none", .has_min = 1, .min = 0,
     .reported_by = "both", .restricted = 1, .subgoal = "vaxa-upp.sg2", .activity = "vaxa-upp.a4",
     .description = "Whole kronor awarded to the principal for the year. Derived from POST /api/v1/vaxa-upp/grants."},
    {.struct_size = sizeof(lgvo_measure_def), .slug = VU_M_GRANT_USED,
     .title = "Använt statsbidrag enligt ÖK psykisk hälsa och suicidprevention",
     .title_en = "State grant used under the agreement on mental health and suicide prevention",
     .kind = "indicator", .unit = "sek", .period_type = "year", .direction = "none", .has_min = 1, .min = 0,
     .reported_by = "both", .restricted = 1, .subgoal = "vaxa-upp.sg2", .activity = "vaxa-upp.a4",
     .description = "Whole kronor used by the principal during the year. Derived from POST /api/v1/vaxa-upp/grants."},
    {.struct_size = sizeof(lgvo_measure_def), .slug = VU_M_GRANT_USE_SHARE,
     .title = "Andel använt av tillgängligt statsbidrag", .title_en = "Share of the available state grant used",
     .kind = "indicator", .unit = "percent", .period_type = "year", .direction = "higher_is_better", .ratio = 1,
     .has_min = 1, .min = 0, .has_max = 1, .max = 100, .reported_by = "both", .restricted = 1,
     .subgoal = "vaxa-upp.sg2", .activity = "vaxa-upp.a4",
     .description = "numerator: kronor used during the year; denominator: kronor available (granted for the "
                    "year + carried over from the year before). Derived from POST /api/v1/vaxa-upp/grants."},
};

/* ---- the validate hook: values of this area pushed through POST /api/v1/values ---- */

/* Measures whose figures are counts of people or whole kronor: only whole numbers. */
static const char *const whole_measures[] = {VU_M_HEALTH_SHARE, VU_M_DENTAL_SHARE, VU_M_YOUTH_13_17,
                                             VU_M_YOUTH_18_21, VU_M_YOUTH_22_25, VU_M_SIP, VU_M_CONCERN,
                                             VU_M_GRANT_GRANTED, VU_M_GRANT_USED, VU_M_GRANT_USE_SHARE, NULL};

static int whole(double d)
{
    return d > -9e15 && d < 9e15 && (double)(long long)d == d;
}

static void check_whole(lgvo_row_errors *errors, const lgvo_value_row *row)
{
    const char *msg = "must be a whole number: this measure counts children, visits, plans, reports or kronor";
    if (row->has_value && !whole(row->value))
        vu_host->row_error(errors, row->index, "value", "not_whole_number", msg);
    if (row->has_numerator && !whole(row->numerator))
        vu_host->row_error(errors, row->index, "numerator", "not_whole_number", msg);
    if (row->has_denominator && !whole(row->denominator))
        vu_host->row_error(errors, row->index, "denominator", "not_whole_number", msg);
}

static int validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    (void)state;
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; whole_measures[k]; k++)
            if (rows[i].measure && strcmp(rows[i].measure, whole_measures[k]) == 0)
                check_whole(errors, &rows[i]);
    return 0;
}

/* ---- init ---- */

struct route {
    const char *method, *path;
    lgvo_access access;
    lgvo_handler handler;
    const char *operation_id;
};

static const struct route routes[] = {
    {"GET", "", LGVO_ACCESS_AUTHENTICATED, about, "getVaxaUppPlugin"},
    {"GET", "/hvb/reasons", LGVO_ACCESS_AUTHENTICATED, vu_hvb_reasons_get, "listVaxaUppPlacementReasons"},
    {"PUT", "/hvb/reasons/:code", LGVO_ACCESS_COUNTY_ADMIN, vu_hvb_reason_put, "putVaxaUppPlacementReason"},
    {"POST", "/hvb/occupancy", LGVO_ACCESS_WRITE_AREA, vu_hvb_occupancy_post, "pushVaxaUppHvbOccupancy"},
    {"GET", "/hvb/occupancy", LGVO_ACCESS_AUTHENTICATED, vu_hvb_occupancy_get, "getVaxaUppHvbOccupancy"},
    {"POST", "/hvb/reports", LGVO_ACCESS_WRITE_AREA, vu_hvb_reports_post, "pushVaxaUppHvbReports"},
    {"GET", "/hvb/reports", LGVO_ACCESS_AUTHENTICATED, vu_hvb_reports_get, "getVaxaUppHvbReports"},
    {"POST", "/placed-children/checks", LGVO_ACCESS_WRITE_AREA, vu_checks_post, "pushVaxaUppPlacedChildrenChecks"},
    {"GET", "/placed-children/checks", LGVO_ACCESS_AUTHENTICATED, vu_checks_get, "getVaxaUppPlacedChildrenChecks"},
    {"POST", "/youth-health", LGVO_ACCESS_WRITE_AREA, vu_youth_post, "pushVaxaUppYouthHealth"},
    {"GET", "/youth-health", LGVO_ACCESS_AUTHENTICATED, vu_youth_get, "getVaxaUppYouthHealth"},
    {"POST", "/sip", LGVO_ACCESS_WRITE_AREA, vu_sip_post, "pushVaxaUppSip"},
    {"GET", "/sip", LGVO_ACCESS_AUTHENTICATED, vu_sip_get, "getVaxaUppSip"},
    {"POST", "/concern-reports", LGVO_ACCESS_WRITE_AREA, vu_concern_post, "pushVaxaUppConcernReports"},
    {"GET", "/concern-reports", LGVO_ACCESS_AUTHENTICATED, vu_concern_get, "getVaxaUppConcernReports"},
    {"POST", "/grants", LGVO_ACCESS_WRITE_AREA, vu_grants_post, "pushVaxaUppGrants"},
    {"GET", "/grants", LGVO_ACCESS_AUTHENTICATED, vu_grants_get, "getVaxaUppGrants"},
    {"GET", "/overview", LGVO_ACCESS_AUTHENTICATED, vu_overview_get, "getVaxaUppOverview"},
};

static int init(const lgvo_host *h, void **state)
{
    vu_host = h;
    *state = NULL; /* nothing kept besides the host table */
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        if (h->define_measure(&measures[i]) != 0)
            return 1; /* the host logged why */
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *r = &routes[i];
        if (h->route(r->method, r->path, r->access, r->access == LGVO_ACCESS_WRITE_AREA ? VU_AREA : NULL,
                     r->handler, NULL, r->operation_id) != 0)
            return 1;
    }
    return 0;
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Växa upp och mitt i livet",
    .slug = VU_SLUG,
    .version = "1.0.0",
    .description = "Growing up and mid-life: children placed outside their homes, the joint HVB Fyrbylund, youth health, coordinated individual plans (SIP) and state grants.",
    .area = VU_AREA,
    .migrations_dir = "vaxa-upp/migrations",
    .openapi_path = "vaxa-upp/openapi.json",
    .init = init,
    .validate = validate,
};
