// Att åldras: the county networks (GET/POST/PATCH /api/v1/att-aldras/networks): the three
// seeded networks, county_admin managing networks, each principal's org_admin managing its own
// representatives and follow-up answers, and no personal identity numbers anywhere.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { aldrasServer, BASE } from './lib/att-aldras.mjs';

let env, srv, tok;
before(async () => {
  env = await aldrasServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motalaAdmin: { principal: 'motala', role: 'org_admin' },
    kindaAdmin: { principal: 'kinda', role: 'org_admin' },
    motalaReporter: { principal: 'motala', role: 'reporter', areas: ['att-aldras'] },
    reader: { principal: 'ydre', role: 'reader' },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const get = (path, token = tok.reader) => req(srv, 'GET', `${BASE}/networks${path}`, { token });
const patch = (slug, body, token) => req(srv, 'PATCH', `${BASE}/networks/${slug}`, { token, body });
const create = (body, token = tok.county) => req(srv, 'POST', `${BASE}/networks`, { token, body });
const participant = (net, slug) => net.participants.find((p) => p.principal === slug);
const today = () => new Date().toISOString().slice(0, 10);
const tomorrow = () => new Date(Date.now() + 86400000).toISOString().slice(0, 10);

describe('the seeded networks', () => {
  test('palliative care for adults, cognitive impairment and frail older people, every principal taking part', async () => {
    const res = expectStatus(await get(''), 200);
    assert.deepEqual(res.json.items.map((n) => [n.slug, n.title, n.title_en]), [
      ['palliativ-vard', 'Palliativ vård för vuxna', 'Palliative care for adults'],
      ['kognitiv-svikt', 'Kognitiv svikt', 'Cognitive impairment'],
      ['skora-aldre', 'Sköra äldre', 'Frail older people'],
    ]);
    for (const n of res.json.items) {
      assert.deepEqual(Object.keys(n).sort(), ['assignment', 'meetings', 'participants', 'recommendations', 'slug', 'title', 'title_en', 'updated_at']);
      assert.match(n.assignment, /god och jämlik vård utifrån nationell kunskapsstyrning/);
      assert.equal(n.participants.length, 14);
      assert.equal(n.participants[0].principal, 'region-ostergotland');
      assert.deepEqual(n.participants[0].representatives, []);
      assert.deepEqual(n.meetings, []);
      assert.deepEqual(n.recommendations, []);
    }
  });

  test('one network by slug; an unknown one is 404; a token is needed', async () => {
    assert.equal(expectStatus(await get('/kognitiv-svikt'), 200).json.title, 'Kognitiv svikt');
    expectError(await get('/nothing-here'), 404);
    expectError(await req(srv, 'GET', `${BASE}/networks`), 401);
  });
});

describe('county_admin manages networks', () => {
  test('creates a network (201) with its participants and meetings; a taken slug is 409', async () => {
    const body = {
      slug: 'demens-test', title: 'Demensnätverk (test)', title_en: 'Dementia network (test)',
      assignment: 'Att pröva nätverksstrukturen.', participants: ['region-ostergotland', 'motala', '0513'],
      meetings: ['2025-03-12', '2025-01-15', '2025-03-12'],
    };
    const res = expectStatus(await create(body), 201);
    assert.equal(res.json.slug, 'demens-test');
    assert.deepEqual(res.json.participants.map((p) => p.principal), ['region-ostergotland', 'kinda', 'motala']);
    assert.deepEqual(res.json.meetings, ['2025-01-15', '2025-03-12']);
    expectError(await create(body), 409, 'network_exists');
  });

  test('participants default to every principal', async () => {
    const res = expectStatus(await create({ slug: 'alla-test', title: 'Alla', title_en: 'All', assignment: 'Alla deltar.' }), 201);
    assert.equal(res.json.participants.length, 14);
  });

  test('invalid members are 422 with a path per problem', async () => {
    const err = expectError(await create({
      slug: 'Bad Slug', title: '', assignment: 'Kontakt 19121212-1212', participants: ['nowhere'], meetings: ['2025-02-30'], 'ex/tra': 1,
    }), 422, 'validation_failed');
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`).sort(), [
      '/assignment personal_identity_number', '/ex~1tra unknown_field', '/meetings/0 invalid_date',
      '/participants/0 unknown_principal', '/slug invalid_slug', '/title empty', '/title_en missing',
    ]);
  });

  test('only county_admin creates networks', async () => {
    expectError(await create({ slug: 'x-test', title: 'X', title_en: 'X', assignment: 'X' }, tok.motalaAdmin), 403);
    expectError(await create({ slug: 'x-test', title: 'X', title_en: 'X', assignment: 'X' }, tok.reader), 403);
  });

  test('PATCH changes the assignment, meetings, participants and issues recommendations', async () => {
    const res = expectStatus(await patch('palliativ-vard', {
      assignment: 'Nytt uppdrag för palliativ vård.', meetings: ['2025-02-04', '2025-05-06'],
      recommendations: [
        { title: 'Brytpunktssamtal dokumenteras i journalen', issued_on: '2025-02-04', description: 'Enligt nationellt vårdprogram.' },
        { title: 'Gemensam rutin för trygg hemgång', issued_on: '2025-05-06' },
      ],
    }, tok.county), 200);
    assert.equal(res.json.assignment, 'Nytt uppdrag för palliativ vård.');
    assert.deepEqual(res.json.meetings, ['2025-02-04', '2025-05-06']);
    assert.deepEqual(res.json.recommendations.map((r) => [r.title, r.issued_on, r.description]), [
      ['Brytpunktssamtal dokumenteras i journalen', '2025-02-04', 'Enligt nationellt vårdprogram.'],
      ['Gemensam rutin för trygg hemgång', '2025-05-06', null],
    ]);
    const rec = res.json.recommendations[0];
    assert.deepEqual(rec.follow_up, []);
    assert.deepEqual(rec.uptake, { implemented: 0, partly: 0, not_yet: 0, unanswered: 14 });
    // Edit one, delete the other.
    const second = res.json.recommendations[1].id;
    const res2 = expectStatus(await patch('palliativ-vard', {
      recommendations: [{ id: rec.id, description: null }, { id: second, delete: true }],
    }, tok.county), 200);
    assert.deepEqual(res2.json.recommendations.map((r) => [r.id, r.title, r.description]), [[rec.id, rec.title, null]]);
  });

  test('a recommendation of another network, or one issued in the future, is 422', async () => {
    const other = expectStatus(await get('/palliativ-vard'), 200).json.recommendations[0].id;
    const err = expectError(await patch('skora-aldre', {
      recommendations: [{ id: other, title: 'x' }, { title: 'Framtida', issued_on: tomorrow() }, { issued_on: '2025-01-01' }],
    }, tok.county), 422);
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`).sort(), [
      '/recommendations/0/id unknown_recommendation', '/recommendations/1/issued_on future_date', '/recommendations/2/title missing',
    ]);
  });
});

describe("each principal's org_admin manages its own representatives and answers", () => {
  test('Motala org_admin sets its representatives by role (names optional)', async () => {
    const res = expectStatus(await patch('kognitiv-svikt', {
      representatives: { motala: [{ role: 'Demenssjuksköterska', name: 'Anna Andersson' }, { role: 'Enhetschef äldreomsorg' }] },
    }, tok.motalaAdmin), 200);
    assert.deepEqual(participant(res.json, 'motala').representatives, [
      { role: 'Demenssjuksköterska', name: 'Anna Andersson' }, { role: 'Enhetschef äldreomsorg', name: null },
    ]);
    // Replacing the list replaces it; other principals' lists are untouched.
    expectStatus(await patch('kognitiv-svikt', { representatives: { kinda: [{ role: 'MAS' }] } }, tok.kindaAdmin), 200);
    const again = expectStatus(await patch('kognitiv-svikt', { representatives: { '0583': [{ role: 'Demenssjuksköterska' }] } }, tok.motalaAdmin), 200);
    assert.deepEqual(participant(again.json, 'motala').representatives, [{ role: 'Demenssjuksköterska', name: null }]);
    assert.deepEqual(participant(again.json, 'kinda').representatives, [{ role: 'MAS', name: null }]);
  });

  test("another principal's representatives are 403, and nothing is changed", async () => {
    const err = expectError(await patch('kognitiv-svikt', {
      representatives: { motala: [{ role: 'Ny' }], kinda: [{ role: 'Kapad' }] },
    }, tok.motalaAdmin), 403, 'forbidden');
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`), ['/representatives/kinda forbidden']);
    const net = expectStatus(await get('/kognitiv-svikt'), 200).json;
    assert.deepEqual(participant(net, 'kinda').representatives, [{ role: 'MAS', name: null }]);
    assert.deepEqual(participant(net, 'motala').representatives, [{ role: 'Demenssjuksköterska', name: null }]);
  });

  test('personal identity numbers and fields beyond role and name are refused', async () => {
    for (const pnr of ['19121212-1212', '121212-1212', '201212121212', '1212121212', '121272+1219']) {
      const err = expectError(await patch('kognitiv-svikt', { representatives: { motala: [{ role: 'Sjuksköterska', name: `Anna ${pnr}` }] } }, tok.motalaAdmin), 422);
      assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`), ['/representatives/motala/0/name personal_identity_number'], pnr);
    }
    const err = expectError(await patch('kognitiv-svikt', { representatives: { motala: [{ role: 'Sjuksköterska', personnummer: '191212121212' }] } }, tok.motalaAdmin), 422);
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`), ['/representatives/motala/0/personnummer unknown_field']);
    // Dates, years and phone-like numbers that are no identity numbers pass.
    expectStatus(await patch('kognitiv-svikt', { representatives: { motala: [{ role: 'Samordnare sedan 2024-01-15, rum 1234', name: 'Bo' }] } }, tok.motalaAdmin), 200);
  });

  test('an org_admin may not change what the county secretariat manages', async () => {
    const err = expectError(await patch('kognitiv-svikt', { title: 'Nytt', meetings: [], representatives: { motala: [] } }, tok.motalaAdmin), 403, 'forbidden');
    assert.deepEqual(err.details.map((d) => d.path).sort(), ['/meetings', '/title']);
  });

  test('a reporter (not org_admin) and a reader may not PATCH', async () => {
    expectError(await patch('kognitiv-svikt', { representatives: { motala: [] } }, tok.motalaReporter), 403);
    expectError(await patch('kognitiv-svikt', { representatives: { ydre: [] } }, tok.reader), 403);
  });

  test('a principal that does not take part has no representatives', async () => {
    expectStatus(await patch('kognitiv-svikt', { participants: ['region-ostergotland', 'kinda'] }, tok.county), 200);
    const err = expectError(await patch('kognitiv-svikt', { representatives: { motala: [{ role: 'X' }] } }, tok.motalaAdmin), 422);
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`), ['/representatives/motala not_participating']);
    // Leaving removed Motala's representatives; Kinda's stay.
    const net = expectStatus(await get('/kognitiv-svikt'), 200).json;
    assert.deepEqual(net.participants.map((p) => p.principal), ['region-ostergotland', 'kinda']);
    assert.deepEqual(participant(net, 'kinda').representatives, [{ role: 'MAS', name: null }]);
  });

  test('follow-up: each org_admin answers for its own principal, implemented | partly | not_yet with a date', async () => {
    const rec = expectStatus(await get('/palliativ-vard'), 200).json.recommendations[0];
    const answer = (principal, status, date = '2025-06-01', extra = {}) => ({ recommendation: rec.id, principal, status, date, ...extra });
    expectStatus(await patch('palliativ-vard', { follow_up: [answer('motala', 'partly', '2025-06-01', { comment: 'Rutin på två av fem enheter.' })] }, tok.motalaAdmin), 200);
    const res = expectStatus(await patch('palliativ-vard', { follow_up: [answer('kinda', 'implemented')] }, tok.kindaAdmin), 200);
    const r = res.json.recommendations.find((x) => x.id === rec.id);
    assert.deepEqual(r.follow_up.map(({ updated_at: at, ...f }) => (assert.ok(at), f)), [
      { principal: 'kinda', status: 'implemented', date: '2025-06-01', comment: null },
      { principal: 'motala', status: 'partly', date: '2025-06-01', comment: 'Rutin på två av fem enheter.' },
    ]);
    assert.deepEqual(r.uptake, { implemented: 1, partly: 1, not_yet: 0, unanswered: 12 });
    // A later answer replaces the earlier one.
    const later = expectStatus(await patch('palliativ-vard', { follow_up: [answer('motala', 'implemented', '2025-09-01')] }, tok.motalaAdmin), 200);
    assert.deepEqual(later.json.recommendations.find((x) => x.id === rec.id).uptake, { implemented: 2, partly: 0, not_yet: 0, unanswered: 12 });
  });

  test("follow-up for another principal is 403; invalid answers are 422, each with its path", async () => {
    const rec = expectStatus(await get('/palliativ-vard'), 200).json.recommendations[0];
    const err = expectError(await patch('palliativ-vard', { follow_up: [{ recommendation: rec.id, principal: 'kinda', status: 'not_yet', date: '2025-06-01' }] }, tok.motalaAdmin), 403);
    assert.deepEqual(err.details.map((d) => d.path), ['/follow_up/0/principal']);
    const bad = expectError(await patch('palliativ-vard', {
      follow_up: [
        { recommendation: rec.id, principal: 'motala', status: 'done', date: '2025-06-01' },
        { recommendation: rec.id, principal: 'motala', status: 'partly', date: tomorrow() },
        { recommendation: rec.id, principal: 'motala', status: 'partly', date: '2025-01-01' },
        { recommendation: 999999, principal: 'motala', status: 'partly', date: today() },
        { recommendation: rec.id, principal: 'motala', status: 'partly', date: today(), comment: 'pnr 121212-1212' },
      ],
    }, tok.motalaAdmin), 422);
    assert.deepEqual(bad.details.map((d) => `${d.path} ${d.code}`), [
      '/follow_up/0/status invalid_status', '/follow_up/1/date future_date', '/follow_up/2/date before_issued',
      '/follow_up/3/recommendation unknown_recommendation', '/follow_up/4/comment personal_identity_number',
    ]);
  });

  test('the same principal, answer or recommendation twice in one request is a duplicate', async () => {
    const rec = expectStatus(await get('/palliativ-vard'), 200).json.recommendations[0];
    const answer = { recommendation: rec.id, principal: 'motala', status: 'partly', date: today() };
    const err = expectError(await patch('palliativ-vard', {
      representatives: { motala: [{ role: 'A' }], '0583': [{ role: 'B' }] },
      follow_up: [answer, { ...answer, principal: '0583' }],
      recommendations: [{ id: rec.id, title: 'x' }, { id: rec.id, title: 'y' }],
    }, tok.county), 422);
    assert.deepEqual(err.details.map((d) => `${d.path} ${d.code}`).sort(), [
      '/follow_up/1 duplicate', '/recommendations/1/id duplicate', '/representatives/0583 duplicate',
    ]);
  });

  test('county_admin may set any principal\'s representatives and answers', async () => {
    const rec = expectStatus(await get('/palliativ-vard'), 200).json.recommendations[0];
    const res = expectStatus(await patch('palliativ-vard', {
      representatives: { ydre: [{ role: 'Medicinskt ansvarig sjuksköterska' }] },
      follow_up: [{ recommendation: rec.id, principal: 'ydre', status: 'not_yet', date: today() }],
    }, tok.county), 200);
    assert.deepEqual(participant(res.json, 'ydre').representatives, [{ role: 'Medicinskt ansvarig sjuksköterska', name: null }]);
    assert.equal(res.json.recommendations[0].uptake.not_yet, 1);
  });

  test('row-level security keeps an org_admin to its own rows even in the database', async () => {
    // The policies of the plugin's tables, as the service role sees them.
    const policies = env.sql("SELECT string_agg(tablename || ':' || policyname, ',' ORDER BY tablename, policyname) FROM pg_policies WHERE schemaname = 'att_aldras' AND policyname = 'rows_insert'");
    assert.equal(policies, ['network_meetings', 'network_participants', 'network_representatives', 'networks', 'recommendation_follow_up', 'recommendations'].map((t) => `${t}:rows_insert`).join(','));
    // As the service's role with Motala as the caller: its own rows only.
    const asMotala = (sql) => env.sql(`BEGIN; SET LOCAL ROLE lgvo; SELECT set_config('lgvo.actor_principal', 'motala', true), set_config('lgvo.writable', '', true); ${sql}; ROLLBACK;`);
    const insert = (principal) => `INSERT INTO att_aldras.network_representatives (network_id, principal_id, position, role, updated_by) VALUES (1, ${principal}, 9, 'x', 'test')`;
    assert.throws(() => asMotala(insert(4)), /row-level security/);
    asMotala(insert(7));
    assert.match(asMotala("WITH u AS (UPDATE att_aldras.networks SET title = 'x' RETURNING 1) SELECT 'updated:' || count(*) FROM u"), /updated:0/);
    assert.throws(() => asMotala("INSERT INTO att_aldras.recommendations (network_id, title, issued_on, updated_by) VALUES (1, 'x', '2025-01-01', 'test')"), /row-level security/);
  });
});
