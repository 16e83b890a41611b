/* Area plugin "Nära vård och kompetensförsörjning" (nara-vard): local care and staffing —
 * short-term and local-care beds, discharge delays, falls, costs per patient, the joint
 * primary-care plan and staffing. Built against lgvo/plugin.h only; see README.md.
 *
 *   plugin.c      the descriptor, init (measures and routes), the validate hook
 *   nv_*.c        periods, input checking and the push, reading
 *   beds.c discharge.c falls.c kpp.c plan.c staffing.c   one file per part of the area */
#include "lgvo/plugin.h"
#include "nv.h"
#include "plugin_common.h"

#include <string.h>

const lgvo_host *nv_host;
LGVO_PLUGIN_EXPORT extern const lgvo_plugin_descriptor lgvo_plugin;

static void about(lgvo_request *req, void *ctx)
{
    (void)ctx;
    plugin_reply_about(nv_host, req, &lgvo_plugin);
}

/* ---------------------------------------------------------------- measures */

/* The shared measures this plugin derives besides the seeded ones (schema/0007:
 * short-term-places, local-care-places, fall-injuries, kpp-priority-cost-share). */
static const lgvo_measure_def MEASURES[] = {
    {.slug = "nara-vard.short-term-occupancy",
     .title = "Beläggningsgrad korttidsplatser",
     .title_en = "Occupancy of short-term places",
     .kind = "indicator", .unit = "ratio", .period_type = "week", .direction = "none", .ratio = 1,
     .has_min = 1, .min = 0, .reported_by = "municipality",
     .description = "Average occupied short-term places divided by the places available during the ISO week "
                    "(1 = every place occupied; above 1 only for an overcrowded week, with a comment). "
                    "numerator: average occupied places; denominator: places available. Derived by "
                    "POST /api/v1/nara-vard/beds."},
    {.slug = "nara-vard.local-care-occupancy",
     .title = "Beläggningsgrad närvårdsplatser",
     .title_en = "Occupancy of local-care places",
     .kind = "indicator", .unit = "ratio", .period_type = "week", .direction = "none", .ratio = 1,
     .has_min = 1, .min = 0, .reported_by = "municipality",
     .description = "Average occupied local-care places (närvårdsplatser) divided by the places available "
                    "during the ISO week. numerator: average occupied places; denominator: places "
                    "available. Derived by POST /api/v1/nara-vard/beds."},
    {.slug = "nara-vard.discharge-delay-mean-days",
     .title = "Medelantal dagar utöver överenskommen tid för utskrivningsklara patienter",
     .title_en = "Mean days beyond the agreed time for patients ready for discharge",
     .kind = "indicator", .unit = "days", .period_type = "month", .direction = "lower_is_better",
     .ratio = 1, .has_min = 1, .min = 0, .reported_by = "region", .on_behalf = 1,
     .description = "Follow-up of the agreement on safe and effective discharge from inpatient care: days "
                    "that patients ready for discharge waited beyond the agreed time, per patient, by "
                    "municipality of residence. numerator: days beyond the agreed time; denominator: "
                    "patients ready for discharge. Derived by POST /api/v1/nara-vard/discharge-delays."},
    {.slug = "nara-vard.fall-injury-rate-65-79",
     .title = "Fallskador per 1 000 invånare 65-79 år",
     .title_en = "Fall injuries per 1,000 inhabitants aged 65-79",
     .kind = "indicator", .unit = "per_1000", .period_type = "quarter", .direction = "lower_is_better",
     .ratio = 1, .has_min = 1, .min = 0, .sex_split = 1, .age_band = "65-79",
     .reported_by = "municipality", .restricted = 1,
     .description = "numerator: fall injuries among inhabitants aged 65-79 during the quarter; denominator: "
                    "inhabitants aged 65-79 (core population data, the quarter's year). Derived by "
                    "POST /api/v1/nara-vard/falls."},
    {.slug = "nara-vard.fall-injury-rate-80-plus",
     .title = "Fallskador per 1 000 invånare 80 år och äldre",
     .title_en = "Fall injuries per 1,000 inhabitants aged 80 and over",
     .kind = "indicator", .unit = "per_1000", .period_type = "quarter", .direction = "lower_is_better",
     .ratio = 1, .has_min = 1, .min = 0, .sex_split = 1, .age_band = "80+",
     .reported_by = "municipality", .restricted = 1,
     .description = "numerator: fall injuries among inhabitants aged 80+ during the quarter; denominator: "
                    "inhabitants aged 80+ (core population data, the quarter's year). Derived by "
                    "POST /api/v1/nara-vard/falls."},
    {.slug = "nara-vard.fall-injury-rate-65-plus",
     .title = "Fallskador per 1 000 invånare 65 år och äldre",
     .title_en = "Fall injuries per 1,000 inhabitants aged 65 and over",
     .kind = "indicator", .unit = "per_1000", .period_type = "quarter", .direction = "lower_is_better",
     .ratio = 1, .has_min = 1, .min = 0, .sex_split = 1, .age_band = "65+",
     .reported_by = "municipality", .restricted = 1,
     .description = "numerator: fall injuries among inhabitants aged 65+ during the quarter; denominator: "
                    "inhabitants aged 65-79 plus 80+ (core population data, the quarter's year). "
                    "Derived by POST /api/v1/nara-vard/falls."},
};
#define NMEASURES (sizeof MEASURES / sizeof MEASURES[0])

static int define_measures(const lgvo_host *h)
{
    for (size_t i = 0; i < NMEASURES; i++) {
        lgvo_measure_def def = MEASURES[i];
        def.struct_size = sizeof def;
        if (h->define_measure(&def) != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- the validate hook */

/* Whether d is a whole number (no libm: the plugin links only Jansson). */
static int whole(double d)
{
    return d > -9e18 && d < 9e18 && d == (double)(long long)d;
}

static int is_fall_rate(const char *slug)
{
    return strncmp(slug, "nara-vard.fall-injury-rate-", 27) == 0;
}

/* Checks one row of this plugin's own measures, pushed here or through POST /api/v1/values. */
static void validate_row(const lgvo_value_row *r, lgvo_row_errors *errors)
{
    int both = r->has_numerator && r->has_denominator;
    if (!both)
        return; /* the core has said what is missing */
    if (strcmp(r->measure, "nara-vard.short-term-occupancy") == 0 ||
        strcmp(r->measure, "nara-vard.local-care-occupancy") == 0) {
        if (!whole(r->denominator))
            nv_host->row_error(errors, r->index, "denominator", "not_whole",
                               "places available is a whole number");
        else if (r->numerator > r->denominator && (!r->comment || !*r->comment))
            nv_host->row_error(errors, r->index, "numerator", "overcrowded_unexplained",
                               "average occupied places exceed the places available: say why in comment");
    } else if (strcmp(r->measure, "nara-vard.discharge-delay-mean-days") == 0) {
        if (!whole(r->numerator) || !whole(r->denominator))
            nv_host->row_error(errors, r->index, whole(r->numerator) ? "denominator" : "numerator",
                               "not_whole", "days and patients are whole numbers");
    } else if (is_fall_rate(r->measure)) {
        if (!whole(r->numerator) || !whole(r->denominator))
            nv_host->row_error(errors, r->index, whole(r->numerator) ? "denominator" : "numerator",
                               "not_whole", "injuries and inhabitants are whole numbers");
    }
}

int nv_validate(void *state, const lgvo_value_row *rows, size_t count, lgvo_row_errors *errors)
{
    (void)state;
    for (size_t i = 0; i < count; i++)
        validate_row(&rows[i], errors);
    return 0;
}

/* ---------------------------------------------------------------- init */

static int init(const lgvo_host *h, void **state)
{
    nv_host = h;
    *state = NULL; /* nothing is kept between requests */
    if (h->abi_major != LGVO_PLUGIN_ABI_MAJOR) {
        h->log(LGVO_LOG_ERROR, "nara-vard: the host's ABI major version differs");
        return 1;
    }
    if (define_measures(h) != 0 ||
        h->route("GET", "", LGVO_ACCESS_AUTHENTICATED, NULL, about, NULL, "getNaraVardPlugin") != 0 ||
        nv_beds_init(h) != 0 || nv_discharge_init(h) != 0 || nv_falls_init(h) != 0 ||
        nv_kpp_init(h) != 0 || nv_plan_init(h) != 0 || nv_staffing_init(h) != 0)
        return 1; /* the host has logged why */
    return 0;
}

LGVO_PLUGIN_EXPORT const lgvo_plugin_descriptor lgvo_plugin = {
    LGVO_PLUGIN_HEADER,
    .name = "Nära vård och kompetensförsörjning",
    .slug = "nara-vard",
    .version = "1.0.0",
    .description = "Local care and staffing: short-term and local-care beds, discharge delays, falls, costs per patient, the joint primary-care plan and staffing.",
    .area = "nara-vard",
    .migrations_dir = "nara-vard/migrations",
    .openapi_path = "nara-vard/openapi.json",
    .init = init,
    .validate = nv_validate,
};
