// Measures and values: strict input of POST /api/v1/values (JSON). The body's shape, content
// types, and per row: unknown fields, wrong types, NUL characters and invalid UTF-8 (raw
// bytes), each a row error naming the field; the error shape of a refused push.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectStatus, expectError } from './lib/harness.mjs';
import {
  valuesServer, push, expectSummary, expectRowError, errorKeys, getValues, M, ALL_AREAS,
} from './lib/values.mjs';

let env, srv, tok;
before(async () => {
  env = await valuesServer({
    county: { principal: 'region-ostergotland', role: 'county_admin' },
    motala: { principal: 'motala', role: 'reporter', areas: ALL_AREAS },
  });
  ({ srv, tok } = env);
});
after(async () => { await env.stop(); });

const good = (extra = {}) => ({ measure: M.shortTerm, principal: 'motala', period: '2025-W10', value: 12, ...extra });
const stored = async (params) => (await getValues(srv, tok.county, params)).json.items;

describe('the body', () => {
  test('not JSON, not {"values":[…]} or extra members: 400 invalid_json, nothing written', async () => {
    for (const body of ['{', 'null', '[]', '{"values":{}}', '{"values":[],"mode":"partial"}', '{"value":[]}', '"values"', '']) {
      const res = await push(srv, tok.motala, body);
      expectError(res, 400, 'invalid_json');
    }
    const dup = await push(srv, tok.motala, '{"values":[],"values":[]}');
    expectError(dup, 400, 'invalid_json');
  });

  test('an empty push is a 200 summary with zero counts', async () => {
    const s = expectSummary(await push(srv, tok.motala, []), { mode: 'atomic', dry_run: false, created: 0, updated: 0, unchanged: 0, deleted: 0, rejected: 0, errors: [] });
    assert.ok(s);
  });

  test('other content types are 415; no token is 401', async () => {
    expectError(await push(srv, tok.motala, JSON.stringify({ values: [good()] }), { contentType: 'text/plain' }), 415);
    expectError(await push(srv, tok.motala, JSON.stringify({ values: [good()] }), { contentType: 'application/x-www-form-urlencoded' }), 415);
    expectError(await push(srv, undefined, [good()]), 401);
    expectSummary(await push(srv, tok.motala, [good({ period: '2025-W40' })], { contentType: 'application/json; charset=utf-8' }), { rejected: 0 });
  });

  test('unknown query parameters and bad modes are 400 invalid_query', async () => {
    expectError(await push(srv, tok.motala, [good()], { query: '?mode=merge' }), 400, 'invalid_query');
    expectError(await push(srv, tok.motala, [good()], { query: '?dryrun=true' }), 400, 'invalid_query');
    expectError(await push(srv, tok.motala, [good()], { query: '?dry_run=maybe' }), 400, 'invalid_query');
    expectError(await push(srv, tok.motala, [good()], { query: '?from=2025-01' }), 400, 'invalid_query');
  });
});

describe('row errors name the field', () => {
  test('unknown fields and wrong types, one error per problem, with /values/<i>/<field> paths', async () => {
    const rows = [
      good({ extra: 1 }),
      good({ measure: 5 }),
      good({ value: '12' }),
      { measure: M.grants, principal: 'motala', period: '2025', achieved: 'yes' },
      good({ sex: 1 }),
      good({ principal: ['motala'] }),
      good({ comment: { text: 'x' } }),
      5,
      good({ value: undefined, numerator: true }),
      good({ period: 202510 }),
      good({ Value: 3 }),
    ];
    const err = expectError(await push(srv, tok.motala, rows), 422, 'validation_failed');
    expectRowError(err.details, { index: 0, path: '/values/0/extra', code: 'unknown_field' });
    expectRowError(err.details, { index: 1, path: '/values/1/measure', code: 'wrong_type' });
    expectRowError(err.details, { index: 2, path: '/values/2/value', code: 'wrong_type' });
    expectRowError(err.details, { index: 3, path: '/values/3/achieved', code: 'wrong_type' });
    expectRowError(err.details, { index: 4, path: '/values/4/sex', code: 'wrong_type' });
    expectRowError(err.details, { index: 5, path: '/values/5/principal', code: 'wrong_type' });
    expectRowError(err.details, { index: 6, path: '/values/6/comment', code: 'wrong_type' });
    expectRowError(err.details, { index: 7, path: '/values/7', code: 'wrong_type' });
    expectRowError(err.details, { index: 8, path: '/values/8/numerator', code: 'wrong_type' });
    expectRowError(err.details, { index: 9, path: '/values/9/period', code: 'wrong_type' });
    expectRowError(err.details, { index: 10, path: '/values/10/Value', code: 'unknown_field' });
    assert.match(err.message, /11 of 11 rows/);
    assert.deepEqual(await stored({ measure: M.shortTerm, from: '2025-W10', to: '2025-W10' }), []);
    for (const d of err.details) assert.deepEqual(Object.keys(d).sort(), ['code', 'index', 'message', 'path']);
  });

  test('null means absent', async () => {
    expectSummary(await push(srv, tok.motala, [good({ comment: null, sex: null, period: '2025-W11' })]), { created: 1 });
    const [v] = await stored({ measure: M.shortTerm, from: '2025-W11', to: '2025-W11' });
    assert.equal(v.sex, 'T');
    assert.equal(v.comment, null);
  });

  test('a NUL character in any string is nul_character', async () => {
    const rows = [
      good({ comment: 'a\u0000b' }),
      good({ period: '2025-W12', principal: 'motala\u0000' }),
      { measure: M.uptake, principal: 'motala', period: '2025', text: '\u0000' },
      good({ period: '2025-W13', measure: `${M.shortTerm}\u0000x` }),
    ];
    const err = expectError(await push(srv, tok.motala, rows), 422);
    expectRowError(err.details, { index: 0, path: '/values/0/comment', code: 'nul_character' });
    expectRowError(err.details, { index: 1, path: '/values/1/principal', code: 'nul_character' });
    expectRowError(err.details, { index: 2, path: '/values/2/text', code: 'nul_character' });
    expectRowError(err.details, { index: 3, path: '/values/3/measure', code: 'nul_character' });
  });

  test('raw invalid UTF-8 bytes in a string are invalid_utf8 for that field; the other rows are kept in partial mode', async () => {
    const head = Buffer.from(`{"values":[${JSON.stringify(good({ period: '2025-W20' }))},{"measure":"${M.shortTerm}","principal":"motala","period":"2025-W21","value":1,"comment":"bad `);
    const variants = [
      Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xc0, 0xaf]), Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0x80, 0x80]), Buffer.from([0xe2, 0x82]),
    ];
    for (const bad of variants) {
      const body = Buffer.concat([head, bad, Buffer.from(' bytes"}]}')]);
      const s = expectSummary(await push(srv, tok.motala, body, { query: '?mode=partial' }), { rejected: 1 });
      assert.deepEqual(errorKeys(s.errors), ['1 /values/1/comment invalid_utf8'], `${bad.toString('hex')}: ${JSON.stringify(s.errors)}`);
      const atomic = expectError(await push(srv, tok.motala, body), 422);
      assert.deepEqual(errorKeys(atomic.details), ['1 /values/1/comment invalid_utf8']);
    }
    assert.equal((await stored({ measure: M.shortTerm, from: '2025-W21', to: '2025-W21' })).length, 0);
    assert.equal((await stored({ measure: M.shortTerm, from: '2025-W20', to: '2025-W20' })).length, 1);
  });

  test('invalid UTF-8 in a member name is an unknown field; in the measure it is invalid_utf8', async () => {
    const body = Buffer.concat([Buffer.from(`{"values":[{"measure":"${M.shortTerm}","principal":"motala","period":"2025-W22","value":1,"comm`),
      Buffer.from([0xe9]), Buffer.from('nt":"x"},{"measure":"nara-vard.short'), Buffer.from([0xff]), Buffer.from('","principal":"motala","period":"2025-W22","value":1}]}')]);
    const err = expectError(await push(srv, tok.motala, body), 422);
    const unknown = expectRowError(err.details, { index: 0, code: 'unknown_field' });
    assert.ok(unknown.path.startsWith('/values/0/comm'), unknown.path);
    assert.ok(Buffer.from(JSON.stringify(err)).toString('utf8').length > 0);
    expectRowError(err.details, { index: 1, path: '/values/1/measure', code: 'invalid_utf8' });
    assert.ok(!err.message.includes('\ufffd\ufffd'));
  });

  test('well-formed non-ASCII text is kept exactly, including U+FFFD and characters outside the BMP', async () => {
    const comment = 'Åsa Öberg – 📈 \u00a0 ok \ufffd (a literal replacement character) \\ "quoted"\ttab\nline';
    expectSummary(await push(srv, tok.motala, [good({ period: '2025-W23', comment })]), { created: 1 });
    const [v] = await stored({ measure: M.shortTerm, from: '2025-W23', to: '2025-W23' });
    assert.equal(v.comment, comment);
    const escaped = '{"values":[{"measure":"nara-vard.short-term-places","principal":"motala","period":"2025-W24","value":1,"comment":"\\ud83d\\udcc8 \\u00e5"}]}';
    expectSummary(await push(srv, tok.motala, escaped), { created: 1 });
    assert.equal((await stored({ measure: M.shortTerm, from: '2025-W24', to: '2025-W24' }))[0].comment, '📈 å');
  });

  test('strings longer than their field allows are too_long; required fields missing are "missing"', async () => {
    const rows = [
      good({ principal: 'x'.repeat(49) }),
      good({ measure: `nara-vard.${'x'.repeat(90)}` }),
      { principal: 'motala', period: '2025-W25', value: 1 },
      { measure: M.shortTerm, period: '2025-W25', value: 1 },
      { measure: M.shortTerm, principal: 'motala', period: '2025-W25' },
    ];
    const err = expectError(await push(srv, tok.motala, rows), 422);
    expectRowError(err.details, { index: 0, path: '/values/0/principal', code: 'too_long' });
    expectRowError(err.details, { index: 1, path: '/values/1/measure', code: 'too_long' });
    expectRowError(err.details, { index: 2, path: '/values/2/measure', code: 'missing' });
    expectRowError(err.details, { index: 3, path: '/values/3/principal', code: 'missing' });
    expectRowError(err.details, { index: 4, path: '/values/4/value', code: 'missing' });
  });
});

describe('the refused push', () => {
  test('atomic: 422 validation_failed, details are the row errors, X-Request-Id matches, nothing written', async () => {
    const before = (await stored({ measure: M.shortTerm })).length;
    const res = await push(srv, tok.motala, [good({ period: '2025-W30' }), good({ period: '2025-W31', value: -1 })]);
    const err = expectError(res, 422, 'validation_failed');
    assert.deepEqual(errorKeys(err.details), ['1 /values/1/value out_of_range']);
    assert.match(err.message, /1 of 2 rows/);
    assert.match(err.message, /partial/);
    assert.equal((await stored({ measure: M.shortTerm })).length, before);
  });

  test('the same push in partial mode keeps the valid row and reports the other', async () => {
    const s = expectSummary(await push(srv, tok.motala, [good({ period: '2025-W30' }), good({ period: '2025-W31', value: -1 })], { query: '?mode=partial' }),
      { mode: 'partial', created: 1, rejected: 1 });
    assert.deepEqual(errorKeys(s.errors), ['1 /values/1/value out_of_range']);
    expectStatus(await getValues(srv, tok.county, { measure: M.shortTerm }), 200);
  });
});
