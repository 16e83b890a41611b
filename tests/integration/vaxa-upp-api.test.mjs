// vaxa-upp as an API: what the plugin is, its OpenAPI fragment in the served document, the
// right every route declares, the body every POST takes, and what the core's push pipeline
// gives the plugin's POSTs (modes, dry run, Idempotency-Key, period locks) — with the plugin's
// own rows kept in step with the derived values.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { req, expectStatus, expectError } from './lib/harness.mjs';
import { getValues } from './lib/values.mjs';
import {
  vaxaServer, vpost, vget, BASE, USERS, occupancy, report, check, youth, sip, concern, grant, keys,
} from './lib/vaxa-upp.mjs';

let env, srv, tok;
before(async () => { env = await vaxaServer(USERS); ({ srv, tok } = env); });
after(async () => { await env.stop(); });

// Every route: method, path, right, and a body that is valid for Motala.
const ROUTES = [
  ['GET', '', 'authenticated'],
  ['GET', '/hvb/reasons', 'authenticated'],
  ['PUT', '/hvb/reasons/other', 'county_admin', { label: 'Annan orsak', label_en: 'Other reason', sort_order: 90 }],
  ['POST', '/hvb/occupancy', 'write', { occupancy: [occupancy('motala', { period: '2024H1' })] }],
  ['GET', '/hvb/occupancy?year=2024', 'authenticated'],
  ['POST', '/hvb/reports', 'write', { reports: [report('motala', { period: '2024H1', steering_group_meeting: '2024-09-01' })] }],
  ['GET', '/hvb/reports?year=2024', 'authenticated'],
  ['POST', '/placed-children/checks', 'write', { checks: [check('motala', { year: 2024 })] }],
  ['GET', '/placed-children/checks?year=2024', 'authenticated'],
  ['POST', '/youth-health', 'write', { youth_health: [youth('motala', { year: 2024 })] }],
  ['GET', '/youth-health?year=2024', 'authenticated'],
  ['POST', '/sip', 'write', { sip: [sip('motala', { period: '2024T1' })] }],
  ['GET', '/sip?year=2024', 'authenticated'],
  ['POST', '/concern-reports', 'write', { concern_reports: [concern('motala', { period: '2024Q1' })] }],
  ['GET', '/concern-reports?year=2024', 'authenticated'],
  ['POST', '/grants', 'write', { grants: [grant('motala', { year: 2024 })] }],
  ['GET', '/grants?year=2024', 'authenticated'],
  ['GET', '/overview?year=2024', 'authenticated'],
];

describe('the plugin', () => {
  test('GET /api/v1/vaxa-upp says what it is; /api/v1/plugins lists it', async () => {
    const res = expectStatus(await vget(srv, tok.reader, ''), 200);
    assert.deepEqual(res.json, { slug: 'vaxa-upp', name: 'Växa upp och mitt i livet', version: '1.0.0', area: 'vaxa-upp',
      description: 'Growing up and mid-life: children placed outside their homes, the joint HVB Fyrbylund, youth health, coordinated individual plans (SIP) and state grants.',
      abi_version: '1.0' });
    const list = expectStatus(await req(srv, 'GET', '/api/v1/plugins', { token: tok.reader }), 200).json.items;
    assert.ok(list.some((p) => p.slug === 'vaxa-upp'), JSON.stringify(list));
  });

  test('the OpenAPI fragment is served: every route, VaxaUpp components, every $ref resolves, the rule explained', async () => {
    const doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
    const ops = new Set();
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith(BASE)) continue;
      for (const [method, op] of Object.entries(item)) {
        ops.add(`${method.toUpperCase()} ${path}`);
        assert.match(op.operationId, /^[a-z]+VaxaUpp/, op.operationId);
        assert.ok(op.responses['401'], `${method} ${path}: 401 documented`);
        if (method === 'post') for (const s of ['200', '403', '422']) assert.ok(op.responses[s], `${path}: ${s}`);
        const examples = JSON.stringify(op).includes('"example"');
        assert.ok(examples, `${method} ${path}: has examples`);
      }
    }
    for (const [method, path] of ROUTES) {
      const p = `${BASE}${path.split('?')[0].replace('/hvb/reasons/other', '/hvb/reasons/{code}')}`;
      assert.ok(ops.has(`${method} ${p}`), `${method} ${p} is documented`);
    }
    assert.equal(ops.size, ROUTES.length);
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/([a-zA-Z]+)\/([A-Za-z0-9]+)"/g)) {
      assert.ok(doc.components[m[1]]?.[m[2]], `$ref ${m[1]}/${m[2]} resolves`);
    }
    const mine = Object.keys(doc.components.schemas).filter((n) => n.startsWith('VaxaUpp'));
    assert.ok(mine.length >= 30, mine.join());
    assert.match(doc.components.schemas.VaxaUppCount.description, /from 1 to 4.*null.*"suppressed": true.*zero is shown/s);
    assert.match(doc.paths[`${BASE}/overview`].get.description, /exactly\s+one of its parts is hidden/);
    assert.match(doc.paths[`${BASE}/hvb/occupancy`].post.description, /13-17/);
  });
});

describe('every route declares its right', () => {
  const expected = (right, who) => {
    if (who === 'anonymous') return 401;
    if (right === 'authenticated') return 200;
    if (right === 'county_admin') return who === 'county' ? 200 : 403;
    return ['county', 'motala'].includes(who) ? 200 : 403; // write:vaxa-upp and Motala's rows
  };
  for (const [method, path, right, body] of ROUTES) {
    test(`${method} ${path || '/'} (${right})`, async () => {
      for (const who of ['anonymous', 'reader', 'motalaReader', 'otherArea', 'orgAdmin', 'kinda', 'motala', 'county']) {
        const res = await req(srv, method, `${BASE}${path}`, { token: who === 'anonymous' ? undefined : tok[who], body });
        const want = expected(right, who);
        if (want === 200) assert.ok([200, 201].includes(res.status), `${who}: ${res.status} ${res.text}`);
        else expectError(res, want);
      }
    });
  }
});

describe('the body of a POST', () => {
  const post = (body, headers = {}) => req(srv, 'POST', `${BASE}/sip`, { token: tok.motala, body, headers });

  test('one array named after the data, nothing else', async () => {
    for (const body of [{}, { rows: [] }, { sip: {} }, { sip: [], more: 1 }, [sip('motala')]]) {
      const e = expectError(await post(body), 400, 'invalid_json');
      assert.match(e.message, /\{"sip":\[…\]\}/);
    }
    expectError(await post('{"sip": [', { 'content-type': 'application/json' }), 400);
    expectError(await post('{"sip": [], "sip": []}', { 'content-type': 'application/json' }), 400);
    expectError(await post(JSON.stringify({ sip: [] }), { 'content-type': 'text/plain' }), 415);
    const empty = expectStatus(await post({ sip: [] }), 200);
    assert.deepEqual([empty.json.stored, empty.json.created, empty.json.rejected], [0, 0, 0]);
  });

  test('at most 1000 rows', async () => {
    const rows = Array.from({ length: 1001 }, () => sip('motala'));
    expectError(await post({ sip: rows }), 413, 'too_many_rows');
  });

  test('each row an object; errors carry index, path, code and message', async () => {
    const e = expectError(await post({ sip: [42, 'x', null, sip('motala', { period: '2023T1' })] }), 422, 'validation_failed');
    assert.deepEqual(keys(e.details), ['0 /sip/0 wrong_type', '1 /sip/1 wrong_type', '2 /sip/2 wrong_type']);
    for (const d of e.details) assert.deepEqual(Object.keys(d).sort(), ['code', 'index', 'message', 'path']);
    assert.match(e.message, /3 of 4 rows/);
  });

  test('member names in error paths are JSON Pointer tokens', async () => {
    const e = expectError(await post({ sip: [sip('motala', { period: '2023T1', 'a/b~c': 1 })] }), 422);
    assert.deepEqual(keys(e.details), ['0 /sip/0/a~1b~0c unknown_field']);
  });
});

describe('the push pipeline of the core', () => {
  test('?mode=replace is refused; an unknown mode too', async () => {
    const e = expectError(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala')] }, { query: '?mode=replace&from=2025T1&to=2025T3' }), 400, 'invalid_query');
    assert.equal(e.details[0].path, 'query.mode');
    expectError(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala')] }, { query: '?mode=sometimes' }), 400);
  });

  test('?dry_run=true checks and answers, and keeps nothing', async () => {
    const res = expectStatus(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { period: '2021T2' })] }, { query: '?dry_run=true' }), 200);
    assert.deepEqual([res.json.dry_run, res.json.created, res.json.stored], [true, 1, 1]);
    assert.equal(env.sql('SELECT count(*) FROM vaxa_upp.sip WHERE year = 2021'), '0');
    const core = await getValues(srv, tok.county, { measure: 'vaxa-upp.sip-initiated', principal: 'motala' });
    assert.ok(!core.json.items.some((v) => v.period === '2021T2'));
    // and a dry run still refuses what is wrong
    expectError(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { initiated: 13 })] }, { query: '?dry_run=true' }), 422);
  });

  test('an Idempotency-Key replays the first answer; another body with it is refused', async () => {
    const body = { concern_reports: [concern('motala', { period: '2021Q3', reports: 7 })] };
    const headers = { 'Idempotency-Key': 'vaxa-upp-test-1' };
    const first = expectStatus(await vpost(srv, tok.motala, '/concern-reports', body, { headers }), 200);
    env.sql("SET lgvo.system = 'on'; UPDATE vaxa_upp.concern_reports SET reports = 8 WHERE year = 2021 AND quarter = 3");
    const again = expectStatus(await vpost(srv, tok.motala, '/concern-reports', body, { headers }), 200);
    assert.equal(again.text, first.text);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(env.sql('SELECT reports FROM vaxa_upp.concern_reports WHERE year = 2021 AND quarter = 3'), '8', 'not written again');
    expectError(await vpost(srv, tok.motala, '/concern-reports', { concern_reports: [concern('motala', { period: '2021Q3', reports: 9 })] }, { headers }), 409);
  });

  test('a locked period refuses the derived value, and the plugin keeps its row out too', async () => {
    expectStatus(await req(srv, 'POST', '/api/v1/locks', { token: tok.county, body: { measure: 'vaxa-upp.sip-initiated', period: '2020T1', reason: 'fastställt' } }), 201);
    const e = expectError(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { period: '2020T1' })] }), 409, 'period_locked');
    assert.equal(e.details[0].path, '/sip/0');
    assert.equal(env.sql('SELECT count(*) FROM vaxa_upp.sip WHERE year = 2020'), '0');
    const partial = expectStatus(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { period: '2020T1' }), sip('motala', { period: '2020T2' })] }, { query: '?mode=partial' }), 200);
    assert.deepEqual([partial.json.stored, partial.json.rejected, partial.json.created], [1, 1, 1]);
    assert.deepEqual(keys(partial.json.errors), ['0 /sip/0 period_locked']);
    assert.equal(env.sql("SELECT string_agg(tertial::text, ',') FROM vaxa_upp.sip WHERE year = 2020"), '2');
  });

  test('a correction updates the derived value; the history records who', async () => {
    expectStatus(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { period: '2019T1' })] }), 200);
    const res = expectStatus(await vpost(srv, tok.motala, '/sip', { sip: [sip('motala', { period: '2019T1', initiated: 13, by_initiator: { social_services: 13 }, by_age_band: { '0-17': 13 } })] }), 200);
    assert.deepEqual([res.json.updated, res.json.created], [1, 0]);
    const history = expectStatus(await req(srv, 'GET', '/api/v1/values/history?measure=vaxa-upp.sip-initiated&principal=motala&period=2019T1', { token: tok.motala }), 200).json.items;
    assert.deepEqual(history.map((h) => h.operation), ['create', 'update']);
    assert.equal(history[1].new.value, 13);
    assert.match(history[1].changed_by, /^user:/);
  });
});

describe('reading', () => {
  test('?year= is required and checked', async () => {
    for (const path of ['/hvb/occupancy', '/hvb/reports', '/placed-children/checks', '/youth-health', '/sip', '/concern-reports', '/grants', '/overview']) {
      let e = expectError(await vget(srv, tok.reader, path), 400, 'invalid_query');
      assert.deepEqual(e.details.map((d) => d.path), ['query.year']);
      for (const bad of ['20x5', '1999', '2025.0', '']) {
        e = expectError(await vget(srv, tok.reader, `${path}?year=${bad}`), 400, 'invalid_query');
      }
    }
  });

  test('a year without figures: empty lists and null sections', async () => {
    const ov = expectStatus(await vget(srv, tok.reader, '/overview?year=2001'), 200).json;
    assert.ok(ov.principals.every((p) => ['hvb', 'placed_children_checks', 'sip', 'concern_reports', 'youth_health', 'grants'].every((s) => p[s] === null)));
    assert.deepEqual(ov.county, { hvb: null, placed_children_checks: null, sip: null, concern_reports: null, youth_health: null, grants: null });
    const s = expectStatus(await vget(srv, tok.reader, '/sip?year=2001'), 200).json;
    assert.deepEqual([s.items, s.county], [[], []]);
    assert.equal(expectStatus(await vget(srv, tok.reader, '/grants?year=2001'), 200).json.county, null);
  });
});
