/* Reading and validating the phases of a PDSA cycle; see pdsa.h. Each problem names the phase
 * and what it is missing ("the do phase needs what_happened: …"). */
#include "app.h"
#include "core/measures.h"
#include "core/period.h"
#include "core/refdata.h"
#include "core/workplan/common.h"
#include "core/workplan/pdsa.h"

#include <stdio.h>
#include <string.h>

#define PDSA_MAX_VALUES 50

static const char *const phase_names[PDSA_PHASES] = {"plan", "do", "study", "act"};

const char *pdsa_phase_name(enum pdsa_phase p)
{
    return p >= PDSA_PLAN && p <= PDSA_ACT ? phase_names[p] : "?";
}

int pdsa_phase_parse(const char *name)
{
    for (int i = 0; name && i < PDSA_PHASES; i++)
        if (strcmp(name, phase_names[i]) == 0)
            return i;
    return -1;
}

/* A required text of the phase, with a message saying what it is for. */
static const char *need_text(struct body *o, const char *phase, const char *name, const char *what,
                             size_t max)
{
    if (!body_has(o, name)) {
        body_problem(o, name, "the %s phase needs %s: %s", phase, name, what);
        return NULL;
    }
    return body_string(o, name, 0, 1, max);
}

static void read_date(struct body *o, const char *phase, const char *name, const char *what,
                      int required, char out[11], struct date *d)
{
    out[0] = '\0';
    if (required && !body_has(o, name)) {
        body_problem(o, name, "the %s phase needs %s: %s", phase, name, what);
        return;
    }
    if (workplan_body_date(o, name, 0, d) == 1)
        date_format(*d, out);
}

static void read_plan(struct app *app, struct body *o, struct pdsa_plan *p)
{
    p->change = need_text(o, "plan", "change", "the change to be tested", 4000);
    p->prediction = need_text(o, "plan", "prediction", "what you predict will happen", 4000);
    if (!body_has(o, "measures")) {
        body_problem(o, "measures", "the plan phase needs measures: the slugs of the measures that will tell whether the change is an improvement");
    } else if ((p->measures = body_string_array(o, "measures", 0, 20)) != NULL) {
        if (json_array_size(p->measures) == 0)
            body_problem(o, "measures", "the plan phase needs at least one measure that will tell");
        size_t i;
        json_t *v;
        struct measure m;
        json_array_foreach(p->measures, i, v) {
            if (measures_get(app->measures, json_string_value(v), &m) != 0)
                body_problem(o, "measures", "no measure '%s'", json_string_value(v));
        }
    }
    struct date from = {0, 0, 0}, to = {0, 0, 0};
    read_date(o, "plan", "starts_on", "", 0, p->starts_on, &from);
    read_date(o, "plan", "ends_on", "", 0, p->ends_on, &to);
    if (p->starts_on[0] && p->ends_on[0] && date_compare(to, from) < 0)
        body_problem(o, "ends_on", "must not be before starts_on");
}

static void read_do(struct body *o, struct pdsa_do *d)
{
    d->what_happened = need_text(o, "do", "what_happened", "what happened when the change was tried", 4000);
    struct date from = {0, 0, 0}, to = {0, 0, 0};
    read_date(o, "do", "started_on", "the date the test started", 1, d->started_on, &from);
    read_date(o, "do", "ended_on", "", 0, d->ended_on, &to);
    if (d->started_on[0] && d->ended_on[0] && date_compare(to, from) < 0)
        body_problem(o, "ended_on", "must not be before started_on");
}

/* One reference to a measure value: {measure, principal, period, sex}. Returns the canonical
 * form, or NULL after recording a problem. */
static json_t *read_value_ref(struct app *app, struct body *o, size_t i, json_t *v)
{
    char path[40];
    snprintf(path, sizeof path, "/values/%zu", i);
    struct body e = {.r = o->r, .obj = v};
    if (!json_is_object(v)) {
        workplan_body_problem_at(o, path, "must be an object {measure, principal, period, sex}");
        return NULL;
    }
    const char *slug = body_string(&e, "measure", 1, 1, 96);
    const char *principal = body_string(&e, "principal", 1, 1, 48);
    const char *period = body_string(&e, "period", 1, 4, 16);
    const char *sex = body_string(&e, "sex", 0, 1, 1);
    struct measure m;
    struct principal p;
    struct period per;
    memset(&m, 0, sizeof m);
    memset(&p, 0, sizeof p);
    memset(&per, 0, sizeof per);
    int have_m = slug && measures_get(app->measures, slug, &m) == 0;
    if (slug && !have_m)
        body_problem(&e, "measure", "no measure '%s'", slug);
    if (principal && refdata_principal(app->refdata, principal, &p) != 0)
        body_problem(&e, "principal", "no principal '%s'", principal);
    if (period && period_parse(period, &per) != 0)
        body_problem(&e, "period", "'%s' is not a period", period);
    else if (period && have_m && per.type != m.period_type)
        body_problem(&e, "period", "%s is reported per %s (like %s)", m.slug,
                     period_type_name(m.period_type), period_type_example(m.period_type));
    if (sex && strcmp(sex, "T") != 0 && strcmp(sex, "K") != 0 && strcmp(sex, "M") != 0)
        body_problem(&e, "sex", "must be T, K or M");
    int bad = e.errors != NULL;
    json_t *out = NULL;
    if (!bad) {
        char canonical[16];
        period_format(&per, canonical, sizeof canonical);
        out = json_pack("{s:s, s:s, s:s, s:s}", "measure", m.slug, "principal", p.slug, "period",
                        canonical, "sex", sex ? sex : "T");
    }
    workplan_body_close(o, path, &e);
    return out;
}

static void read_study(struct app *app, struct body *o, struct pdsa_study *s)
{
    s->findings = need_text(o, "study", "findings", "what the data showed, compared with the prediction", 4000);
    s->values = json_array();
    if (!body_has(o, "values"))
        return;
    json_t *values = json_object_get(o->obj, "values");
    if (!json_is_array(values) || json_array_size(values) > PDSA_MAX_VALUES) {
        body_problem(o, "values", "must be an array of at most %d measure values", PDSA_MAX_VALUES);
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v) {
        json_t *ref = read_value_ref(app, o, i, v);
        if (ref)
            json_array_append_new(s->values, ref);
    }
}

static void read_act(struct body *o, struct pdsa_act *a)
{
    if (!body_has(o, "decision")) {
        body_problem(o, "decision", "the act phase needs decision: adopt, adapt or abandon the change");
    } else if ((a->decision = body_string(o, "decision", 0, 1, 16)) != NULL &&
               strcmp(a->decision, "adopt") != 0 && strcmp(a->decision, "adapt") != 0 &&
               strcmp(a->decision, "abandon") != 0) {
        body_problem(o, "decision", "must be adopt, adapt or abandon");
        a->decision = NULL;
    }
    if (a->decision && strcmp(a->decision, "adapt") == 0 && !body_has(o, "next"))
        body_problem(o, "next", "the act phase needs next when the change is adapted: what the next cycle will test");
    else
        a->next = body_string(o, "next", 0, 1, 4000);
}

void pdsa_read_phase(struct app *app, struct body *b, enum pdsa_phase phase, union pdsa_input *in)
{
    memset(in, 0, sizeof *in);
    struct body o;
    const char *name = pdsa_phase_name(phase);
    if (workplan_body_object(b, name, 1, &o) != 1)
        return;
    switch (phase) {
    case PDSA_PLAN: read_plan(app, &o, &in->plan); break;
    case PDSA_DO: read_do(&o, &in->do_); break;
    case PDSA_STUDY: read_study(app, &o, &in->study); break;
    case PDSA_ACT: read_act(&o, &in->act); break;
    }
    char pointer[16];
    snprintf(pointer, sizeof pointer, "/%s", name);
    workplan_body_close(b, pointer, &o);
}

void pdsa_input_free(enum pdsa_phase phase, union pdsa_input *in)
{
    if (phase == PDSA_STUDY) {
        json_decref(in->study.values);
        in->study.values = NULL;
    }
}
