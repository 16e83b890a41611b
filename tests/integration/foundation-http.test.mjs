// Foundation, HTTP level: error shapes (404, 405, 400, 413), X-Request-Id, and the JSON
// request log line on stderr.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, req, expectStatus, expectErrorExact, waitFor } from './lib/harness.mjs';

const HEX_ID = /^[0-9a-f]{32}$/;

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

describe('errors', () => {
  test('an unknown route answers 404 not_found', async () => {
    expectErrorExact(await req(srv, 'GET', '/api/v1/nothing-here'), 404, 'not_found');
    expectErrorExact(await req(srv, 'GET', '/api/nothing'), 404, 'not_found');
  });

  test('a wrong method answers 405 with an Allow header listing GET', async () => {
    const res = await req(srv, 'POST', '/api/v1/principals', { body: {} });
    expectErrorExact(res, 405, 'method_not_allowed');
    const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim());
    assert.ok(allow.includes('GET'), `Allow: ${res.headers.get('allow')}`);
    assert.ok(!allow.includes('POST'), `Allow: ${res.headers.get('allow')}`);
  });

  test('a malformed path (bad percent-escape) answers 400', async () => {
    expectErrorExact(await req(srv, 'GET', '/api/v1/principals/%zz'), 400);
  });

  test('a path that is not UTF-8 once decoded answers 400, and the server keeps serving', async () => {
    for (const p of ['/api/v1/principals/%ff', '/api/v1/areas/%C3%28', '/nowhere/%C3']) {
      expectErrorExact(await req(srv, 'GET', p), 400);
    }
    expectStatus(await req(srv, 'GET', '/health/live'), 200);
  });
});

describe('body limit (LGVO_MAX_BODY_BYTES=4096)', () => {
  let small;
  before(async () => { small = await startServer({ env: { LGVO_MAX_BODY_BYTES: '4096' } }); });
  after(async () => { await small.stop(); });
  const post = (p, body) => req(small, 'POST', p, { body, headers: { 'content-type': 'application/octet-stream' } });

  test('a 10,000-byte body answers 413 payload_too_large on any path, with a request id', async () => {
    for (const p of ['/api/v1/principals', '/no/such/route', '/health/live']) {
      const res = await post(p, Buffer.alloc(10000, 'a'));
      expectErrorExact(res, 413, 'payload_too_large');
      assert.match(res.headers.get('x-request-id') ?? '', HEX_ID);
    }
  });

  test('a chunked body over the limit (no Content-Length) answers 413 payload_too_large', async () => {
    const chunks = [Buffer.alloc(5000, 'a'), Buffer.alloc(5000, 'b')];
    const body = new ReadableStream({ pull(c) { if (chunks.length) c.enqueue(chunks.shift()); else c.close(); } });
    const res = await fetch(small.base + '/api/v1/principals', { method: 'POST', body, duplex: 'half' });
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    expectErrorExact({ status: res.status, headers: res.headers, text, json }, 413, 'payload_too_large');
  });

  test('a body of exactly the limit is accepted and routed (POST on principals: 405)', async () => {
    expectErrorExact(await post('/api/v1/principals', Buffer.alloc(4096, 'a')), 405, 'method_not_allowed');
  });
});

describe('X-Request-Id', () => {
  const get = (id) => req(srv, 'GET', '/health/live', id === undefined ? {} : { headers: { 'x-request-id': id } });

  test('a valid client request id is echoed', async () => {
    for (const id of ['a', 'abc.DEF_12-3', 'Z'.repeat(128), '0123456789']) {
      assert.equal((await get(id)).headers.get('x-request-id'), id);
    }
  });

  test('a client request id is echoed in the error body too', async () => {
    const res = await req(srv, 'GET', '/nope', { headers: { 'x-request-id': 'client-42' } });
    expectErrorExact(res, 404, 'not_found');
    assert.equal(res.json.request_id, 'client-42');
  });

  test('an invalid client request id is replaced by a generated one', async () => {
    const utf8AsHeader = Buffer.from('id-åäö', 'utf8').toString('latin1'); // raw UTF-8 bytes on the wire
    for (const id of ['a'.repeat(129), 'a b', 'id/1', utf8AsHeader]) {
      const got = (await get(id)).headers.get('x-request-id');
      assert.match(got ?? '', HEX_ID, `sent ${JSON.stringify(id)}, got ${got}`);
    }
  });

  test('generated request ids are 32 lowercase hex characters and differ per request', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await get()).headers.get('x-request-id'));
    for (const id of ids) assert.match(id ?? '', HEX_ID);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('every response carries X-Request-Id: 200, 304, 400, 404 and 405', async () => {
    const etag = (await req(srv, 'GET', '/api/v1/areas')).headers.get('etag');
    const responses = [
      expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200),
      expectStatus(await req(srv, 'GET', '/api/v1/areas', { headers: { 'if-none-match': etag } }), 304),
      expectStatus(await req(srv, 'GET', '/api/v1/areas/%zz'), 400),
      expectStatus(await req(srv, 'GET', '/missing'), 404),
      expectStatus(await req(srv, 'DELETE', '/api/v1/areas'), 405),
    ];
    for (const res of responses) assert.match(res.headers.get('x-request-id') ?? '', HEX_ID, String(res.status));
  });
});

describe('request log', () => {
  test('each request writes one JSON log line with its id, method, path, status and duration', async () => {
    const sent = [
      ['GET', '/api/v1/principals', 200],
      ['GET', '/api/v1/areas/nope', 404],
      ['GET', '/api/v1/areas/%zz', 400],
      ['PUT', '/api/v1/areas', 405],
    ];
    const ids = [];
    for (const [method, p, status] of sent) {
      const res = expectStatus(await req(srv, method, p, { body: method === 'PUT' ? {} : undefined }), status);
      ids.push(res.headers.get('x-request-id'));
    }
    const lines = await waitFor(() => {
      const l = srv.logLines().filter((x) => ids.includes(x.request_id));
      return l.length >= ids.length && l;
    }, { what: 'request log lines' });
    for (const [i, [method, p, status]] of sent.entries()) {
      const mine = lines.filter((l) => l.request_id === ids[i]);
      assert.equal(mine.length, 1, `log lines for ${ids[i]}: ${JSON.stringify(mine)}`);
      const l = mine[0];
      assert.equal(typeof l.time, 'string');
      assert.ok(!Number.isNaN(Date.parse(l.time)), l.time);
      assert.equal(typeof l.level, 'string');
      assert.deepEqual([l.method, l.path, l.status], [method, p, status]);
      assert.ok(Number.isInteger(l.duration_us) && l.duration_us >= 0, `duration_us ${l.duration_us}`);
    }
  });

  test('the log line carries a client-supplied request id', async () => {
    await req(srv, 'GET', '/health/live', { headers: { 'x-request-id': 'log-me-1' } });
    const line = await waitFor(() => srv.logLines().find((l) => l.request_id === 'log-me-1'), { what: 'log line' });
    assert.equal(line.path, '/health/live');
    assert.equal(line.status, 200);
  });
});
