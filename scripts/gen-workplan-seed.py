#!/usr/bin/env python3
"""Generates the work plan's seed migrations from the structured extraction of the LGVO work
plan 2024-2025 (lgvo-workplan.json, kept outside this repository):

    schema/0014_seed_workplan_2024_2025.sql   goal, driver diagrams, sub-goals, activities,
                                              measure items and their links
    schema/0015_seed_primary_care_plan.sql    the joint plan for primary care (Bilaga 6)
    schema/0016_seed_agreements.sql           the agreements table (Bilaga 7)

It was run once; the SQL files are what the service uses (it never reads the JSON). Applied
migrations must not change, so do not re-run it over existing files: a later correction is a
new migration.

    scripts/gen-workplan-seed.py ../shared/domain/lgvo-workplan.json
"""
import json
import sys
from pathlib import Path

PERIOD = '2024-2025'
# Scheduled follow-ups are tracked from the start of the plan period.
FOLLOW_UP_FROM = '2024-01-01'
# Swedish municipal and regional councils are elected for four years from 15 October of the
# election year (kommunallagen 5 kap. 4 §); "i slutet av varje mandatperiod" is reckoned from
# the term that began on 2022-10-15.
TERM_OF_OFFICE_START = '2022-10-15'

# The machine-usable measure definitions (core.measures, schema/0007) that quantify each
# "Mått och mätning" item. Items not listed link to none (yet).
MEASURE_LINKS = {
    'att-aldras.m1': ['att-aldras.avoidable-inpatient-care'],
    'att-aldras.m3': ['att-aldras.self-rated-health'],
    'att-aldras.m4': ['att-aldras.ed-visits-not-admitted'],
    'att-aldras.m5': ['att-aldras.care-seeking-mapping'],
    'att-aldras.m6': ['att-aldras.readmissions-48h', 'att-aldras.readmissions-30d'],
    'att-aldras.m7': ['att-aldras.recommendation-uptake'],
    'nara-vard.m1': ['nara-vard.readmissions-48h', 'nara-vard.readmissions-30d'],
    'nara-vard.m2': ['nara-vard.short-term-places', 'nara-vard.local-care-places'],
    'nara-vard.m3': ['nara-vard.kpp-priority-cost-share'],
    'nara-vard.m4': ['nara-vard.fall-injuries'],
    'vaxa-upp.m1': ['vaxa-upp.structured-collaboration-decision'],
    'vaxa-upp.m2': ['vaxa-upp.state-grants-handled'],
    'vaxa-upp.m3': ['vaxa-upp.legislation-informed'],
    'vaxa-upp.m4': ['vaxa-upp.joint-housing-position'],
    'vaxa-upp.m5': ['vaxa-upp.fyrbylund-followed-up'],
    'vaxa-upp.m6': ['vaxa-upp.new-routine-decided'],
    'digitalisering.m1': ['digitalisering.baseline-mapped', 'digitalisering.initiatives-ongoing'],
    'digitalisering.m2': ['digitalisering.value-compass'],
    'digitalisering.m3': ['digitalisering.tests-run'],
    'digitalisering.m4': ['digitalisering.test-reflections'],
}


def q(v):
    if v is None:
        return 'NULL'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def arr(items):
    if not items:
        return "'{}'::text[]"
    return 'ARRAY[' + ', '.join(q(i) for i in items) + ']::text[]'


def jb(obj):
    if obj is None:
        return 'NULL'
    return q(json.dumps(obj, ensure_ascii=False)) + '::jsonb'


def d(v):
    return 'NULL' if v is None else q(v) + '::date'


def values(rows):
    return ',\n'.join('    (' + ', '.join(r) + ')' for r in rows)


HEADER = '-- Generated once by scripts/gen-workplan-seed.py from the structured extraction of the LGVO\n' \
         '-- work plan 2024-2025 (RÖ 2024/4256). Swedish text verbatim, English beside it.\n' \
         '-- A migration runs once; every statement also skips rows that exist, so running the file\n' \
         '-- again changes nothing and never overwrites edits made through the API.\n\n'


def workplan_sql(doc):
    out = [HEADER]
    src = next(s for s in doc['source_documents'] if s['id'] == 'lgvo-2024-2025')
    out.append('INSERT INTO core.workplan_periods (slug, title, title_en, starts_on, ends_on, reference)\n'
               f"VALUES ({q(PERIOD)}, {q('Arbetsplan 2024-2025')}, {q(src['title_en'])}, '2024-01-01', '2025-12-31', "
               f"{q(src['reference_number'])})\nON CONFLICT (slug) DO NOTHING;\n\n")
    P = f"(SELECT id FROM core.workplan_periods WHERE slug = {q(PERIOD)})"

    g = doc['shared_goal']
    out.append('-- The shared goal: every diagram\'s "Mål".\n')
    out.append('INSERT INTO core.workplan_goals (period_id, key, title, title_en, paragraphs, paragraphs_en,\n'
               '    target_year, adopted_by, adopted_by_en, context, context_en)\n'
               f"VALUES ({P}, {q(g['id'])}, {q(g['title'])}, {q(g['title_en'])}, {arr(g['paragraphs'])},\n"
               f"    {arr(g['paragraphs_en'])}, {g['target_year']}, {q(g['adopted_by'])}, {q(g['adopted_by_en'])},\n"
               f"    {q(g['context'])}, {q(g['context_en'])})\nON CONFLICT (period_id, key) DO NOTHING;\n\n")
    G = f"(SELECT id FROM core.workplan_goals WHERE period_id = {P} AND key = {q(g['id'])})"
    variants = {v['where'].split('[slug=')[1].split(']')[0]: v for v in g.get('text_variants', [])}

    rows = []
    for a in doc['areas']:
        v = variants.get(a['slug'])
        rows.append([q(a['slug']), q(a['diagram_title']), q(a['diagram_title_en']), str(a['appendix']),
                     arr(v['paragraphs']) if v else 'NULL', q(v['differences']) if v else 'NULL',
                     jb(a['column_headings']), arr(a.get('diagram_header_points', [])),
                     q(a.get('measures_column_label')), arr(a.get('link_notes', []))])
    out.append('INSERT INTO core.workplan_diagrams (period_id, area_id, goal_id, title, title_en, appendix,\n'
               '    goal_paragraphs, goal_variant_note, headings, header_points, measures_label, link_notes)\n'
               f'SELECT {P}, ar.id, {G}, v.title, v.title_en, v.appendix::smallint, v.goal_paragraphs,\n'
               '    v.goal_variant_note, v.headings, v.header_points, v.measures_label, v.link_notes\n'
               'FROM (VALUES\n' + values(rows) + '\n) AS v(area, title, title_en, appendix, goal_paragraphs, goal_variant_note,\n'
               '    headings, header_points, measures_label, link_notes)\n'
               'JOIN core.areas ar ON ar.slug = v.area\nON CONFLICT (period_id, area_id) DO NOTHING;\n\n')

    rows = []
    for a in doc['areas']:
        for s in a['sub_goals']:
            rows.append([q(a['slug']), q(s['id']), str(s['order']), q(s['title']), q(s['title_en']),
                         jb(s.get('parts', []))])
    out.append('-- Delmål/aktivitetsområde ("Vad?").\n')
    out.append('INSERT INTO core.workplan_subgoals (period_id, area_id, key, position, title, title_en, parts)\n'
               f'SELECT {P}, ar.id, v.key, v.position, v.title, v.title_en, v.parts\n'
               'FROM (VALUES\n' + values(rows) + '\n) AS v(area, key, position, title, title_en, parts)\n'
               'JOIN core.areas ar ON ar.slug = v.area\nON CONFLICT (period_id, key) DO NOTHING;\n\n')

    known = {'id', 'order', 'title', 'title_en', 'sub_goal_id', 'link_basis', 'link_note', 'deadline',
             'related_agreement_ids', 'responsible_refs', 'formatting_note'}
    rows = []
    for a in doc['areas']:
        for x in a['activities']:
            dl = x.get('deadline') or {}
            w = dl.get('window') or {}
            details = {k: v for k, v in x.items() if k not in known}
            notes = [x['formatting_note']] if x.get('formatting_note') else []
            rows.append([q(a['slug']), q(x['id']), str(x['order']), q(x['title']), q(x['title_en']),
                         q(x['sub_goal_id']), q(x['link_basis']), q(x.get('link_note')),
                         q(dl.get('text')), q(dl.get('kind')), q(dl.get('term')),
                         'NULL' if dl.get('year') is None else str(dl['year']),
                         d(w.get('from')), d(w.get('to')), q(bool(w.get('proposed', False))),
                         q(dl.get('note') or w.get('basis')),
                         arr(x.get('related_agreement_ids', [])), arr(x.get('responsible_refs', [])),
                         jb(details), arr(notes)])
    out.append('-- Aktiviteter i PDSA-cykler ("Hur?"). Linked to a sub-goal only where the source makes the\n'
               '-- link clear (link_basis); the others are listed at area level.\n')
    out.append('INSERT INTO core.workplan_activities (period_id, area_id, key, position, title, title_en,\n'
               '    subgoal_id, link_basis, link_note, deadline_text, deadline_kind, deadline_term, deadline_year,\n'
               '    window_from, window_to, window_proposed, deadline_note, related_agreements, responsible_refs,\n'
               '    details, notes)\n'
               f'SELECT {P}, ar.id, v.key, v.position, v.title, v.title_en, sg.id, v.link_basis, v.link_note,\n'
               '    v.deadline_text, v.deadline_kind, v.deadline_term, v.deadline_year::smallint, v.window_from,\n'
               '    v.window_to, v.window_proposed, v.deadline_note, v.related_agreements, v.responsible_refs,\n'
               '    v.details, v.notes\n'
               'FROM (VALUES\n' + values(rows) + '\n) AS v(area, key, position, title, title_en, subgoal, link_basis, link_note,\n'
               '    deadline_text, deadline_kind, deadline_term, deadline_year, window_from, window_to,\n'
               '    window_proposed, deadline_note, related_agreements, responsible_refs, details, notes)\n'
               'JOIN core.areas ar ON ar.slug = v.area\n'
               f'LEFT JOIN core.workplan_subgoals sg ON sg.period_id = {P} AND sg.key = v.subgoal\n'
               'ON CONFLICT (period_id, key) DO NOTHING;\n\n')

    rows = []
    act_links, sg_links, def_links = [], [], []
    for a in doc['areas']:
        for m in a['measures']:
            notes = [m['spelling_note']] if m.get('spelling_note') else []
            rows.append([q(a['slug']), q(m['id']), str(m['order']), q(m['title']), q(m['title_en']),
                         q(m.get('link_basis')), q(m.get('link_note')), q(m.get('classification_note')),
                         jb(m.get('proposed_definition')), arr(notes)])
            act_links += [[q(m['id']), q(k)] for k in m.get('activity_ids', [])]
            sg_links += [[q(m['id']), q(k)] for k in m.get('sub_goal_ids', [])]
            def_links += [[q(m['id']), q(s), str(i + 1)] for i, s in enumerate(MEASURE_LINKS.get(m['id'], []))]
    out.append('-- Mått och mätning, as written.\n')
    out.append('INSERT INTO core.workplan_measure_items (period_id, area_id, key, position, title, title_en,\n'
               '    link_basis, link_note, classification_note, proposed_definition, notes)\n'
               f'SELECT {P}, ar.id, v.key, v.position, v.title, v.title_en, v.link_basis, v.link_note,\n'
               '    v.classification_note, v.proposed_definition, v.notes\n'
               'FROM (VALUES\n' + values(rows) + '\n) AS v(area, key, position, title, title_en, link_basis, link_note,\n'
               '    classification_note, proposed_definition, notes)\n'
               'JOIN core.areas ar ON ar.slug = v.area\nON CONFLICT (period_id, key) DO NOTHING;\n\n')

    out.append('-- Links of measure items to activities and sub-goals, as in the source (none where it is\n'
               '-- ambiguous). A link that exists, live or retired, is left alone.\n')
    out.append('INSERT INTO core.workplan_item_activities (measure_item_id, activity_id, period_id, area_id)\n'
               'SELECT m.id, a.id, m.period_id, m.area_id\n'
               'FROM (VALUES\n' + values(act_links) + '\n) AS v(item, activity)\n'
               f'JOIN core.workplan_measure_items m ON m.period_id = {P} AND m.key = v.item\n'
               'JOIN core.workplan_activities a ON a.period_id = m.period_id AND a.key = v.activity\n'
               'WHERE NOT EXISTS (SELECT 1 FROM core.workplan_item_activities l\n'
               '                  WHERE l.measure_item_id = m.id AND l.activity_id = a.id);\n\n')
    out.append('INSERT INTO core.workplan_item_subgoals (measure_item_id, subgoal_id, period_id, area_id)\n'
               'SELECT m.id, s.id, m.period_id, m.area_id\n'
               'FROM (VALUES\n' + values(sg_links) + '\n) AS v(item, subgoal)\n'
               f'JOIN core.workplan_measure_items m ON m.period_id = {P} AND m.key = v.item\n'
               'JOIN core.workplan_subgoals s ON s.period_id = m.period_id AND s.key = v.subgoal\n'
               'WHERE NOT EXISTS (SELECT 1 FROM core.workplan_item_subgoals l\n'
               '                  WHERE l.measure_item_id = m.id AND l.subgoal_id = s.id);\n\n')
    out.append('-- The measure definitions that quantify each item (by slug; resolved with a LEFT JOIN on\n'
               '-- core.measures). att-aldras.m2 has none yet: the att-aldras plugin will define care-contact\n'
               '-- measures; m8 (measures still to be identified) and digitalisering.m5 (a principle) have none.\n')
    out.append('INSERT INTO core.workplan_item_measures (measure_item_id, measure_slug, position)\n'
               'SELECT m.id, v.slug, v.position\n'
               'FROM (VALUES\n' + values(def_links) + '\n) AS v(item, slug, position)\n'
               f'JOIN core.workplan_measure_items m ON m.period_id = {P} AND m.key = v.item\n'
               'WHERE NOT EXISTS (SELECT 1 FROM core.workplan_item_measures l\n'
               '                  WHERE l.measure_item_id = m.id AND l.measure_slug = v.slug);\n')
    return ''.join(out)


def primary_care_sql(doc):
    pcp = doc['primary_care_plan']
    sp = pcp['simple_principles']
    acts = pcp['activities']
    P = f"(SELECT id FROM core.workplan_periods WHERE slug = {q(PERIOD)})"
    out = [HEADER]
    out.append('INSERT INTO core.primary_care_plans (period_id, title, title_en, motto, motto_en, parties, parties_en,\n'
               '    introduction, introduction_en, expected_results, expected_results_en, dependencies,\n'
               '    dependencies_en, principles_title, principles_title_en, principles_intro, principles_intro_en,\n'
               '    principles_lead_in, principles_lead_in_en, principles_carrier, principles_carrier_en,\n'
               '    activities_heading, activities_heading_en, related_keys, activities_link_note)\n'
               f"VALUES ({P}, {q(pcp['title'])}, {q(pcp['title_en'])}, {q(pcp['motto'])}, {q(pcp['motto_en'])},\n"
               f"    {q(pcp['parties'])}, {q(pcp['parties_en'])},\n"
               f"    {arr(pcp['introduction'])},\n    {arr(pcp['introduction_en'])},\n"
               f"    {arr([x['title'] for x in pcp['expected_results']])}, {arr([x['title_en'] for x in pcp['expected_results']])},\n"
               f"    {arr([x['title'] for x in pcp['dependencies']])},\n    {arr([x['title_en'] for x in pcp['dependencies']])},\n"
               f"    {q(sp['title'])}, {q(sp['title_en'])}, {q(sp['intro'])},\n    {q(sp['intro_en'])},\n"
               f"    {q(sp['lead_in'])}, {q(sp['lead_in_en'])},\n    {q(sp['carried_by_lgvo'])},\n    {q(sp['carried_by_lgvo_en'])},\n"
               f"    {q(acts['heading'])}, {q(acts['heading_en'])}, {arr(pcp['related_driver_diagram_ids'])},\n"
               f"    {q(acts['link_note'])})\nON CONFLICT (period_id) DO NOTHING;\n\n")
    rows = [[str(i['order']), q(i['title']), q(i['title_en'])] for i in sp['items']]
    out.append('-- Enkla principer.\n')
    out.append('INSERT INTO core.primary_care_principles (period_id, position, title, title_en)\n'
               f'SELECT {P}, v.position, v.title, v.title_en\nFROM (VALUES\n' + values(rows) +
               '\n) AS v(position, title, title_en)\nON CONFLICT (period_id, position) DO NOTHING;\n\n')
    rows = [[q(a['slug']), str(a['order']), q(a['title']), q(a['title_en']), q(a['need']), q(a['need_en']),
             q(a['description']), q(a['description_en'])] for a in pcp['prioritised_areas']]
    out.append('-- The four prioritised areas.\n')
    out.append('INSERT INTO core.primary_care_areas (period_id, slug, position, title, title_en, need, need_en,\n'
               '    description, description_en)\n'
               f'SELECT {P}, v.slug, v.position, v.title, v.title_en, v.need, v.need_en, v.description, v.description_en\n'
               'FROM (VALUES\n' + values(rows) +
               '\n) AS v(slug, position, title, title_en, need, need_en, description, description_en)\n'
               'ON CONFLICT (period_id, slug) DO NOTHING;\n\n')
    rows = [[q(a['id']), str(a['order']), q(a['title']), q(a['title_en']), q(a.get('prioritised_area_slug')),
             q(a.get('link_basis')), q(a.get('link_note'))] for a in acts['items']]
    out.append('-- Activities; tied to a prioritised area only where the wording names it.\n')
    out.append('INSERT INTO core.primary_care_activities (period_id, key, position, title, title_en, area_slug,\n'
               '    link_basis, link_note)\n'
               f'SELECT {P}, v.key, v.position, v.title, v.title_en, v.area_slug, v.link_basis, v.link_note\n'
               'FROM (VALUES\n' + values(rows) +
               '\n) AS v(key, position, title, title_en, area_slug, link_basis, link_note)\n'
               'ON CONFLICT (period_id, key) DO NOTHING;\n')
    return ''.join(out)


def once_due(when_text):
    # "2022" or "hösten 2022": the last day of that year (the latest date the words allow).
    year = when_text.split()[-1]
    return f'{int(year)}-12-31'


def agreements_sql(doc):
    area_slugs = {a['slug'] for a in doc['areas']}
    known = {'id', 'title', 'title_en', 'type', 'type_en', 'validity_text', 'start_date', 'end_date',
             'open_ended', 'original_end_date', 'extension_text', 'end_condition_text', 'end_condition_en',
             'end_text', 'end_text_en', 'renewal', 'notice', 'notice_period_text', 'revision_text',
             'termination_text', 'follow_up_text', 'follow_up_en', 'follow_up_questions',
             'follow_up_schedule', 'responsible_text', 'responsible_en', 'responsible_refs',
             'related_activity_ids', 'notes', 'source'}
    rows, sched = [], []
    for position, a in enumerate(doc['agreements']['lgvo_2024_2025'], 1):
        ren = a.get('renewal') or {}
        notice = a.get('notice') or {}
        area = next((r for r in a['responsible_refs'] if r in area_slugs), None)
        details = {k: v for k, v in a.items() if k not in known}
        rows.append([q(a['id']), str(position), q(a['title']), q(a['title_en']), q(a['type']), q(a['validity_text']),
                     d(a.get('start_date')), d(a.get('end_date')), d(a.get('original_end_date')),
                     q(a.get('extension_text')), q(a.get('end_condition_text')), q(a.get('end_condition_en')),
                     q(a.get('end_text')), q(a.get('end_text_en')),
                     'NULL' if not ren.get('automatic') else str(ren['period_years']), q(ren.get('text')),
                     'NULL' if notice.get('months') is None else str(notice['months']),
                     q(notice.get('relative_to')), q(notice.get('text')), q(bool(notice.get('written', False))),
                     q(a.get('notice_period_text')), q(a.get('revision_text')), q(a.get('termination_text')),
                     q(a.get('follow_up_text')), q(a.get('follow_up_en')), arr(a.get('follow_up_questions', [])),
                     q(a['responsible_text']), q(a['responsible_en']), arr(a['responsible_refs']), q(area),
                     arr(a.get('related_activity_ids', [])), jb(details), arr(a.get('notes', []))])
        for i, s in enumerate(a['follow_up_schedule']):
            c = s['cadence']
            months = {'yearly': 12, 'half_yearly': 6, 'end_of_term': 48}.get(c)
            if c == 'every_n_years':
                months = 12 * s['every_n_years']
            anchor = TERM_OF_OFFICE_START if c == 'end_of_term' else a.get('start_date') if months else None
            due = once_due(s['when_text']) if c == 'once' else None
            sched.append([q(a['id']), str(i + 1), q(c), 'NULL' if months is None else str(months), d(anchor),
                          d(due), q(s['what']), q(s['what_en']), arr(s.get('by', [])), q(s.get('when_text'))])
    out = [HEADER]
    out.append('-- Every row of the table "Överenskommelser och avtal" (Bilaga 7). The table names no parties;\n'
               '-- each row is an agreement between the region and the county\'s municipalities, so every\n'
               '-- principal is a party. Printed end dates are kept; the current term is computed through\n'
               '-- the automatic renewals. Follow-ups are tracked from the start of the plan period.\n')
    out.append('INSERT INTO core.agreements (key, position, title, title_en, kind, parties, validity_text, valid_from, valid_to,\n'
               '    original_end_date, extension_text, end_condition_text, end_condition_en, end_text, end_text_en,\n'
               '    renewal_years, renewal_text, notice_months, notice_rule, notice_text, notice_written,\n'
               '    notice_period_text, revision_text, termination_text, follow_up_text, follow_up_en,\n'
               '    follow_up_questions, follow_up_from, responsible_text, responsible_en, responsible_refs,\n'
               '    responsible_area_id, related_activities, details, notes, source)\n'
               'SELECT v.key, v.position::smallint, v.title, v.title_en, v.kind, ARRAY(SELECT id FROM core.principals ORDER BY sort_order),\n'
               '    v.validity_text, v.valid_from, v.valid_to, v.original_end_date, v.extension_text,\n'
               '    v.end_condition_text, v.end_condition_en, v.end_text, v.end_text_en, v.renewal_years::smallint,\n'
               '    v.renewal_text, v.notice_months::smallint, v.notice_rule, v.notice_text, v.notice_written,\n'
               '    v.notice_period_text, v.revision_text, v.termination_text, v.follow_up_text, v.follow_up_en,\n'
               f"    v.follow_up_questions, {d(FOLLOW_UP_FROM)}, v.responsible_text, v.responsible_en, v.responsible_refs,\n"
               f"    ar.id, v.related_activities, v.details, v.notes, {q('Arbetsplan 2024-2025, Bilaga 7')}\n"
               'FROM (VALUES\n' + values(rows) +
               '\n) AS v(key, position, title, title_en, kind, validity_text, valid_from, valid_to, original_end_date,\n'
               '    extension_text, end_condition_text, end_condition_en, end_text, end_text_en, renewal_years,\n'
               '    renewal_text, notice_months, notice_rule, notice_text, notice_written, notice_period_text,\n'
               '    revision_text, termination_text, follow_up_text, follow_up_en, follow_up_questions,\n'
               '    responsible_text, responsible_en, responsible_refs, responsible_area, related_activities,\n'
               '    details, notes)\n'
               'LEFT JOIN core.areas ar ON ar.slug = v.responsible_area\nON CONFLICT (key) DO NOTHING;\n\n')
    out.append('-- Follow-up schedules ("Tidplan uppföljning"). Recurring cadences run from the agreement\'s\n'
               f'-- start; "end of each term of office" from {TERM_OF_OFFICE_START} every 48 months; "once" is due at the\n'
               '-- end of the year its words name.\n')
    out.append('INSERT INTO core.agreement_schedules (agreement_id, position, cadence, every_months, anchor, due_on,\n'
               '    what, what_en, by_text, when_text)\n'
               'SELECT ag.id, v.position, v.cadence, v.every_months::smallint, v.anchor, v.due_on, v.what, v.what_en,\n'
               '    v.by_text, v.when_text\n'
               'FROM (VALUES\n' + values(sched) +
               '\n) AS v(agreement, position, cadence, every_months, anchor, due_on, what, what_en, by_text, when_text)\n'
               'JOIN core.agreements ag ON ag.key = v.agreement\nON CONFLICT (agreement_id, position) DO NOTHING;\n')
    return ''.join(out)


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else '../shared/domain/lgvo-workplan.json')
    doc = json.loads(src.read_text(encoding='utf-8'))
    schema = Path(__file__).resolve().parent.parent / 'schema'
    files = {
        '0014_seed_workplan_2024_2025.sql': workplan_sql(doc),
        '0015_seed_primary_care_plan.sql': primary_care_sql(doc),
        '0016_seed_agreements.sql': agreements_sql(doc),
    }
    for name, sql in files.items():
        (schema / name).write_text(sql, encoding='utf-8')
        print(f'wrote schema/{name}')


if __name__ == '__main__':
    main()
