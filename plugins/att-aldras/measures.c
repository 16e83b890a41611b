/* The measures of the area Att åldras, defined through host->define_measure at start-up (the
 * plugin becomes their definer; the seven seeded in schema/0007 keep their slugs and
 * meaning). Swedish titles are the work plan's (Bilaga 5, Driverdiagram att åldras); items
 * the work plan combines are split, as in the seed. */
#include "aldras.h"

#include <string.h>

#define DEF .struct_size = sizeof(lgvo_measure_def)

/* The work plan's item "Hälso- och sjukvårdsinsatser …" (m2), split per care level and group. */
#define M2_SV "Hälso- och sjukvårdsinsatser som ges till äldre (80+) jämfört med hela befolkningen per vårdnivå."
#define M2_EN "Health-care interventions given to older people (80+) compared with the whole population, per level of care."

#define CARE_RATE(level, level_sv, level_en, group, group_sv, group_en, band, rep, behalf)         \
    {DEF, .slug = AA_AREA ".care-" level "-" group, .title = M2_SV " " level_sv ": " group_sv,   \
     .title_en = M2_EN " " level_en ": " group_en, .kind = "indicator", .unit = "per_1000",       \
     .period_type = "year", .direction = "none", .ratio = 1, .has_min = 1, .min = 0,              \
     .age_band = band, .reported_by = rep, .on_behalf = behalf,                                   \
     .description = "Care contacts in " level_en " per 1,000 inhabitants (" group_en "), by "     \
                    "municipality of residence. numerator: contacts; denominator: population "    \
                    "from the core's population figures. Derived from POST "                      \
                    "/api/v1/att-aldras/care-levels."}

#define CARE_RATIO(level, level_sv, level_en, rep, behalf)                                         \
    {DEF, .slug = AA_AREA ".care-" level "-ratio",                                                \
     .title = M2_SV " " level_sv ": kvot mellan 80+ och hela befolkningen",                        \
     .title_en = M2_EN " " level_en ": ratio of 80+ to the whole population", .kind = "indicator", \
     .unit = "ratio", .period_type = "year", .direction = "none", .has_min = 1, .min = 0,          \
     .age_band = "80+", .reported_by = rep, .on_behalf = behalf,                                  \
     .description = "Contacts in " level_en " per 1,000 inhabitants aged 80+ divided by "         \
                    "contacts per 1,000 inhabitants of all ages (rounded to 6 decimals); 2 means "\
                    "twice the rate of the whole population. Derived from POST "                 \
                    "/api/v1/att-aldras/care-levels; none when there were no contacts at all."}

#define CARE_LEVEL(level, level_sv, level_en, rep, behalf)                                          \
    CARE_RATE(level, level_sv, level_en, "80", "80+ per 1 000 invånare 80+",                         \
              "80+ per 1,000 inhabitants aged 80+", "80+", rep, behalf),                            \
        CARE_RATE(level, level_sv, level_en, "all", "hela befolkningen per 1 000 invånare",          \
                  "whole population per 1,000 inhabitants", NULL, rep, behalf),                     \
        CARE_RATIO(level, level_sv, level_en, rep, behalf)

static const lgvo_measure_def measures[] = {
    {DEF, .slug = AA_M_READM_48H, .title = "Andel återinläggningar inom 48h",
     .title_en = "Share of readmissions within 48 hours", .kind = "indicator", .unit = "percent",
     .period_type = "month", .direction = "lower_is_better", .ratio = 1, .has_min = 1, .min = 0,
     .has_max = 1, .max = 100, .sex_split = 1, .age_band = "80+", .reported_by = "region",
     .on_behalf = 1, .subgoal = AA_AREA ".sg1", .activity = AA_AREA ".a3",
     .description = "Share of discharges of people aged 80+ followed by a readmission within 48 "
                    "hours, by municipality of residence. numerator: readmissions within 48 h; "
                    "denominator: discharges. Derived from the region's monthly hospital reports "
                    "(POST /api/v1/att-aldras/hospital-reports); a month without discharges has "
                    "no share."},
    {DEF, .slug = AA_M_READM_30D, .title = "Andel återinläggningar inom 30 dagar",
     .title_en = "Share of readmissions within 30 days", .kind = "indicator", .unit = "percent",
     .period_type = "month", .direction = "lower_is_better", .ratio = 1, .has_min = 1, .min = 0,
     .has_max = 1, .max = 100, .sex_split = 1, .age_band = "80+", .reported_by = "region",
     .on_behalf = 1, .subgoal = AA_AREA ".sg1", .activity = AA_AREA ".a3",
     .description = "Share of discharges of people aged 80+ followed by a readmission within 30 "
                    "days, by municipality of residence. numerator: readmissions within 30 days; "
                    "denominator: discharges. Derived from the region's monthly hospital reports "
                    "(POST /api/v1/att-aldras/hospital-reports); a month without discharges has "
                    "no share."},
    {DEF, .slug = AA_M_ED_NOT_ADMITTED,
     .title = "Andel besök på akutmottagning som ej lett till inläggning bland äldre (80+)",
     .title_en = "Share of emergency-department visits by older people (80+) that did not lead to admission",
     .kind = "indicator", .unit = "percent", .period_type = "month", .direction = "lower_is_better",
     .ratio = 1, .has_min = 1, .min = 0, .has_max = 1, .max = 100, .sex_split = 1, .age_band = "80+",
     .reported_by = "region", .on_behalf = 1, .subgoal = AA_AREA ".sg1", .activity = AA_AREA ".a2",
     .description = "Share of emergency department visits by people aged 80+ that did not lead to "
                    "admission, by municipality of residence. numerator: visits not admitted "
                    "(visits - admitted); denominator: visits. Derived from the region's monthly "
                    "hospital reports (POST /api/v1/att-aldras/hospital-reports); a month without "
                    "visits has no share."},
    {DEF, .slug = AA_AREA ".avoidable-inpatient-care", .title = "Påverkbar slutenvård hos äldre",
     .title_en = "Influenceable (avoidable) inpatient care among older people", .kind = "indicator",
     .unit = "per_1000", .period_type = "quarter", .direction = "lower_is_better", .ratio = 1,
     .has_min = 1, .min = 0, .sex_split = 1, .age_band = "80+", .reported_by = "region",
     .on_behalf = 1,
     .description = "Inpatient episodes for conditions where timely outpatient care could have "
                    "prevented admission (påverkbar slutenvård), per 1,000 inhabitants aged 80+, "
                    "by municipality of residence. numerator: episodes; denominator: inhabitants "
                    "80+. Pushed by the region through POST /api/v1/values."},
    {DEF, .slug = AA_AREA ".self-rated-health", .title = "Egen upplevd hälsa bland äldre",
     .title_en = "Self-rated health among older people", .kind = "indicator", .unit = "percent",
     .period_type = "year", .direction = "higher_is_better", .ratio = 1, .has_min = 1, .min = 0,
     .has_max = 1, .max = 100, .sex_split = 1, .reported_by = "municipality",
     .description = "Share of older respondents who rate their own health as good or very good. "
                    "numerator: respondents answering good or very good; denominator: "
                    "respondents. Pushed by each municipality through POST /api/v1/values."},
    {DEF, .slug = AA_AREA ".care-seeking-mapping",
     .title = "Kartläggning av äldres sökmönster till vården",
     .title_en = "Survey of older people's care-seeking patterns", .kind = "milestone",
     .unit = "boolean", .period_type = "year", .direction = "higher_is_better",
     .reported_by = "region",
     .description = "The mapping of how older people seek care has been carried out (recorded "
                    "for LGVO as a whole)."},
    {DEF, .slug = AA_AREA ".recommendation-uptake",
     .title = "Uppföljning av genomslag av de rekommendationer och beslut som fattas i lokalt programområde.",
     .title_en = "Follow-up of the impact of the recommendations and decisions made in the local programme area.",
     .kind = "text", .unit = "text", .period_type = "year", .direction = "none",
     .reported_by = "both",
     .description = "Follow-up of how the recommendations and decisions of the county networks "
                    "have taken effect, per principal. The answers per recommendation are kept "
                    "with the networks (GET /api/v1/att-aldras/networks)."},
    CARE_LEVEL("primary", "Primärvård", "Primary care", "region", 1),
    CARE_LEVEL("specialist", "Specialiserad vård", "Specialist care", "region", 1),
    CARE_LEVEL("municipal", "Kommunal hälso- och sjukvård", "Municipal health care",
               "municipality", 0),
};

#define NMEASURES (sizeof measures / sizeof measures[0])

int aa_define_measures(const lgvo_host *host)
{
    for (size_t i = 0; i < NMEASURES; i++)
        if (host->define_measure(&measures[i]) != 0)
            return -1; /* the host logged why */
    return 0;
}

int aa_measure_counts(const char *slug)
{
    /* The shares and rates the plugin derives: readmissions, discharges, visits, contacts and
     * inhabitants. (Self-rated health may come from weighted survey estimates, and avoidable
     * inpatient care from a mean population: not checked.) */
    static const char *const counted[] = {AA_M_READM_48H, AA_M_READM_30D, AA_M_ED_NOT_ADMITTED, NULL};
    for (size_t i = 0; counted[i]; i++)
        if (strcmp(slug, counted[i]) == 0)
            return 1;
    size_t n = strlen(slug);
    int care = strncmp(slug, AA_AREA ".care-", strlen(AA_AREA ".care-")) == 0;
    return care && ((n > 3 && strcmp(slug + n - 3, "-80") == 0) || (n > 4 && strcmp(slug + n - 4, "-all") == 0));
}
