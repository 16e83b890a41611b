-- digitalisering, migration 7: the value compass hides a county total as soon as any of its
-- rows is hidden from the caller, as GET /api/v1/measures/{slug}/series now does (with one
-- hidden row subtraction recovers it; with several, measures that share rows could). Only
-- the county part of digitalisering.value_compass (migration 6) changes. Runs with
-- lgvo.system = 'on' and the search path "digitalisering, core".

CREATE OR REPLACE FUNCTION value_compass(viewer integer, sees_all boolean) RETURNS json LANGUAGE sql STABLE AS $$
    WITH ms AS (
        SELECT c.position, c.baseline_period, c.chosen_at, c.chosen_by, m.id, m.slug, m.title,
               m.title_en, m.kind, m.unit, m.period_type, m.direction, m.ratio, m.restricted,
               m.reported_by, m.on_behalf, a.slug AS area,
               CASE m.unit WHEN 'percent' THEN 100 WHEN 'per_1000' THEN 1000 ELSE 1 END AS scale,
               ('region' = ANY (m.reported_by) AND NOT 'municipality' = ANY (m.reported_by)
                AND NOT m.on_behalf) AS from_region
        FROM digitalisering.compass_measures c
        JOIN core.measures m ON m.id = c.measure_id JOIN core.areas a ON a.id = m.area_id),
    vals AS (
        SELECT v.measure_id, v.principal_id, v.period, v.period_start, v.value, v.numerator,
               v.denominator,
               coalesce(ms.restricted AND NOT sees_all AND v.principal_id <> viewer AND (
                   v.numerator BETWEEN 1 AND 4 OR v.denominator BETWEEN 1 AND 4
                   OR (ms.unit = 'count' AND v.value BETWEEN 1 AND 4)), false) AS hide
        FROM core.values v JOIN ms ON ms.id = v.measure_id
        WHERE v.sex = 'T'),
    county AS (
        SELECT x.measure_id, x.period, x.period_start, count(*) AS reporting,
               count(*) FILTER (WHERE x.hide) > 0 AS hidden,
               CASE WHEN count(*) FILTER (WHERE x.hide) > 0 THEN NULL
                    WHEN ms.ratio THEN trim_scale(round(sum(x.numerator) * ms.scale / nullif(sum(x.denominator), 0), 6))
                    ELSE sum(x.value) END AS value
        FROM vals x JOIN ms ON ms.id = x.measure_id JOIN core.principals p ON p.id = x.principal_id
        WHERE p.kind = CASE WHEN ms.from_region THEN 'region' ELSE 'municipality' END
        GROUP BY x.measure_id, x.period, x.period_start, ms.ratio, ms.scale),
    cty AS (
        SELECT ms.id AS measure_id, cb.period AS b_period, cb.value AS b_value, cb.hidden AS b_hide,
               cl.period AS l_period, cl.value AS l_value, cl.hidden AS l_hide, cl.reporting AS l_rep,
               CASE WHEN NOT cb.hidden AND NOT cl.hidden THEN trim_scale(cl.value - cb.value) END AS change
        FROM ms
        LEFT JOIN LATERAL (SELECT * FROM county c WHERE c.measure_id = ms.id
                           AND (c.value IS NOT NULL OR c.hidden)
                           AND (ms.baseline_period IS NULL OR c.period = ms.baseline_period)
                           ORDER BY c.period_start LIMIT 1) cb ON true
        LEFT JOIN LATERAL (SELECT * FROM county c WHERE c.measure_id = ms.id
                           AND (c.value IS NOT NULL OR c.hidden)
                           ORDER BY c.period_start DESC LIMIT 1) cl ON true),
    pr AS (
        SELECT ms.id AS measure_id, p.slug, p.name, p.sort_order, b.period AS b_period,
               b.value AS b_value, b.hide AS b_hide, l.period AS l_period, l.value AS l_value,
               l.hide AS l_hide,
               CASE WHEN NOT b.hide AND NOT l.hide THEN trim_scale(l.value - b.value) END AS change
        FROM ms JOIN core.principals p
            ON (p.kind = 'region' AND 'region' = ANY (ms.reported_by) AND NOT ms.on_behalf)
            OR (p.kind = 'municipality' AND ('municipality' = ANY (ms.reported_by) OR ms.on_behalf))
        LEFT JOIN LATERAL (SELECT * FROM vals v WHERE v.measure_id = ms.id AND v.principal_id = p.id
                           AND (ms.baseline_period IS NULL OR v.period = ms.baseline_period)
                           ORDER BY v.period_start LIMIT 1) b ON true
        LEFT JOIN LATERAL (SELECT * FROM vals v WHERE v.measure_id = ms.id AND v.principal_id = p.id
                           ORDER BY v.period_start DESC LIMIT 1) l ON true)
    SELECT json_build_object(
        'chosen_at', (SELECT max(chosen_at) FROM ms),
        'chosen_by', (SELECT max(chosen_by) FROM ms),
        'measures', coalesce((SELECT json_agg(json_build_object(
            'position', ms.position, 'measure', ms.slug, 'title', ms.title, 'title_en', ms.title_en,
            'area', ms.area, 'unit', ms.unit, 'period_type', ms.period_type,
            'direction', ms.direction,
            'baseline', json_build_object('period', ms.baseline_period,
                                          'chosen', ms.baseline_period IS NOT NULL),
            'county', CASE WHEN ms.ratio OR ms.unit = 'count' OR ms.from_region THEN (
                SELECT json_build_object(
                    'baseline', digitalisering.compass_point(c.b_period, c.b_value, c.b_hide),
                    'latest', CASE WHEN c.l_period IS NOT NULL THEN
                        json_build_object('period', c.l_period,
                                          'value', CASE WHEN c.l_hide THEN NULL ELSE c.l_value END,
                                          'suppressed', c.l_hide, 'principals_reporting', c.l_rep) END,
                    'change', c.change, 'trend', digitalisering.trend(c.change, ms.direction))
                FROM cty c WHERE c.measure_id = ms.id) END,
            'principals', (SELECT coalesce(json_agg(json_build_object(
                'principal', pr.slug, 'name', pr.name,
                'baseline', digitalisering.compass_point(pr.b_period, pr.b_value, pr.b_hide),
                'latest', digitalisering.compass_point(pr.l_period, pr.l_value, pr.l_hide),
                'change', pr.change, 'trend', digitalisering.trend(pr.change, ms.direction))
                ORDER BY pr.sort_order), '[]')
                FROM pr WHERE pr.measure_id = ms.id))
            ORDER BY ms.position) FROM ms), '[]'))
$$;
