// Graceful shutdown: SIGTERM while requests are in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, req, expectStatus } from './lib/harness.mjs';

const N = 50;

// An open TCP connection to the server; collects every byte until the server closes it.
function connect(srv) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(srv.port, '127.0.0.1');
    const chunks = [];
    const closed = new Promise((done) => {
      sock.on('data', (d) => chunks.push(d));
      sock.on('error', () => { /* a reset counts as closed; what arrived is judged below */ });
      sock.on('close', () => done(Buffer.concat(chunks)));
    });
    sock.once('connect', () => resolve({ sock, closed }));
    sock.once('error', reject);
  });
}

// Splits a raw HTTP/1.1 response; complete means the whole Content-Length body arrived.
function parse(raw) {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { complete: false };
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(head[0].split(' ')[1]);
  const headers = Object.fromEntries(head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const body = raw.subarray(end + 4);
  const length = Number(headers['content-length']);
  return { complete: Number.isInteger(length) && body.length === length, status, headers, body };
}

test(`SIGTERM with ${N} requests in flight: every answer is a complete 200, the process exits 0 and logs "stopped"`, async (t) => {
  const srv = await startServer();
  const expected = Buffer.from(expectStatus(await req(srv, 'GET', '/api/v1/principals'), 200).text, 'utf8');

  // Connections first, then all requests written and SIGTERM sent in the same tick, so the
  // requests are on their way to (or inside) the server when the signal arrives.
  const conns = await Promise.all(Array.from({ length: N }, () => connect(srv)));
  for (const c of conns) {
    c.sock.write(`GET /api/v1/principals HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nConnection: close\r\n\r\n`);
  }
  srv.child.kill('SIGTERM');

  const raws = await Promise.all(conns.map((c) => c.closed));
  const exit = await srv.exited;

  let answered = 0;
  for (const raw of raws) {
    if (raw.length === 0) continue; // closed without an answer: allowed while shutting down
    answered++;
    const res = parse(raw);
    assert.ok(res.complete, `an incomplete response (${raw.length} bytes): ${raw.toString('utf8').slice(0, 300)}`);
    assert.equal(res.status, 200, raw.toString('utf8'));
    assert.ok(res.body.equals(expected), `a different body: ${res.body}`);
    assert.equal(JSON.parse(res.body.toString('utf8')).items.length, 14);
  }
  t.diagnostic(`${answered} of ${N} requests answered before the server closed`);

  await srv.stop(); // asserts exit code 0 and no sanitizer report
  assert.equal(exit.code, 0);
  assert.ok(srv.logLines().some((l) => l.msg === 'stopped'), `no "stopped" log line:\n${srv.logs()}`);
});
