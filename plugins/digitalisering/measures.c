/* The measures of the area Digitalisering, defined through host->define_measure at start-up
 * (the plugin becomes their definer; the five seeded in schema/0007 keep their slugs, titles
 * and meaning). Swedish titles are the work plan's (Bilaga 3, Driverdiagram Digitalisering,
 * "Mått och mätning"). */
#include "digi.h"

#define DEF .struct_size = sizeof(lgvo_measure_def)

static const lgvo_measure_def measures[] = {
    {DEF, .slug = DG_AREA ".baseline-mapped",
     .title = "Baslinjemätning inkl. kartläggning av vad som redan pågår.",
     .title_en = "Baseline measurement, including a survey of what is already under way.",
     .kind = "milestone", .unit = "boolean", .period_type = "year", .direction = "higher_is_better",
     .reported_by = "both",
     .description = "The principal has mapped its ongoing digital initiatives (baseline)."},
    {DEF, .slug = DG_AREA ".value-compass",
     .title = "Utveckla en värdekompas. Välja ut några få mätetal att visualisera - \"Vitala få\"",
     .title_en = "Develop a value compass. Choose a few metrics to visualise – 'the vital few'",
     .kind = "milestone", .unit = "boolean", .period_type = "year", .direction = "higher_is_better",
     .reported_by = "region"},
    {DEF, .slug = DG_M_TESTS_RUN, .title = "Testa!", .title_en = "Test!", .kind = "indicator",
     .unit = "count", .period_type = "year", .direction = "none", .has_min = 1, .min = 0,
     .reported_by = "both",
     .description = "Tests of joint solutions (PDSA cycles) in which the principal took part during "
                    "the year. A count: whole numbers only."},
    {DEF, .slug = DG_AREA ".test-reflections", .title = "Reflektion: Vilka insikter ger testet?!",
     .title_en = "Reflection: What insights does the test give?!", .kind = "text", .unit = "text",
     .period_type = "year", .direction = "none", .reported_by = "both"},
    {DEF, .slug = DG_M_INITIATIVES, .title = "Antal pågående digitala initiativ",
     .title_en = "Ongoing digital initiatives", .kind = "indicator", .unit = "count",
     .period_type = "year", .direction = "none", .has_min = 1, .min = 0, .reported_by = "both",
     .description = "Digital initiatives (welfare technology, e-services) ongoing at the principal at "
                    "the end of the year, from the baseline mapping. Derived from POST "
                    "/api/v1/digitalisering/initiatives (the current year: as of the day of the "
                    "push); a count: whole numbers only."},
};

int dg_define_measures(const lgvo_host *host)
{
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        if (host->define_measure(&measures[i]) != 0)
            return -1;
    return 0;
}
