// README.md's "Integrating" sections are runnable: every ```sh block of "Integrating: municipal
// systems" and "Integrating: front ends" runs here exactly as written (bash -euo pipefail, one
// shell per section, curl and jq) against a real server with the att-aldras plugin, a machine
// client and a user of Motala, and the CORS origin of the example allowed. What they print and
// what they leave in the database are checked.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createDatabase, startServer, psql, SOURCE_DIR, WORK } from './lib/harness.mjs';
import { FAST_HASH, createClient, createUser } from './lib/auth.mjs';
import { pluginDir, realPlugins } from './lib/plugins.mjs';

const README = fs.readFileSync(path.join(SOURCE_DIR, 'README.md'), 'utf8');

// The ```sh blocks of the section whose heading is `### ${title}`, joined.
function shellOf(title) {
  const start = README.indexOf(`\n### ${title}\n`);
  assert.ok(start >= 0, `README.md has no section "${title}"`);
  const rest = README.slice(start + title.length + 6);
  const end = rest.search(/\n#{2,3} /);
  const body = end >= 0 ? rest.slice(0, end) : rest;
  const blocks = [...body.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, `no sh example in "${title}"`);
  return blocks.join('\n');
}

describe('README: Integrating', () => {
  let srv, db, client, user, dir;
  const run = (script) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: dir, encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, API: srv.base, CLIENT_ID: client.client_id, CLIENT_SECRET: client.client_secret,
      USERNAME: user.username, PASSWORD: user.password },
  });

  before(async () => {
    db = createDatabase();
    client = await createClient(db, { principal: 'motala', role: 'reporter', areas: ['att-aldras'], name: 'Motala statistics export' });
    user = await createUser(db, { principal: 'motala', role: 'reader' });
    srv = await startServer({ db, env: { ...FAST_HASH, LGVO_PLUGIN_DIR: pluginDir(...realPlugins()), LGVO_CORS_ORIGINS: 'https://app.example.se' } });
    dir = fs.mkdtempSync(path.join(WORK, 'readme-'));
  });
  after(() => srv?.stop());

  const stored = () => psql("SELECT string_agg(v.sex || '=' || v.numerator || '/' || v.denominator, ',' ORDER BY v.sex) FROM core.values v JOIN core.measures m ON m.id = v.measure_id WHERE m.slug = 'att-aldras.self-rated-health'", { db: db.name }).trim();

  test('municipal systems: token, dry run, push with an Idempotency-Key, a safe retry', () => {
    const out = run(shellOf('Integrating: municipal systems (machine clients)')).split('\n');
    assert.deepEqual(out.filter(Boolean), [
      '{"dry_run":true,"created":2,"rejected":0}',
      'HTTP 200',
      '{"mode":"atomic","created":2,"updated":0,"unchanged":0,"rejected":0}',
      'HTTP 200, Idempotent-Replayed: true',
    ]);
    assert.match(stored(), /K=61\/100.*M=55\/100/, 'stored once, as pushed');
  });

  test('front ends: sign in, who am I, a series with its ETag, refresh, the preflight, sign out', () => {
    const out = run(shellOf('Integrating: front ends')).split('\n').filter(Boolean);
    assert.equal(out.length, 6, out.join('\n'));
    assert.equal(out[0], '{"token_type":"Bearer","expires_in":900}');
    assert.equal(out[1], '{"principal":"motala","roles":["reader"]}');
    assert.equal(out[2], '[{"period":"2025","value":61}]');
    assert.equal(out[3], 'unchanged: HTTP 304');
    assert.match(out[4], /^access-control-allow-origin: https:\/\/app\.example\.se\r?$/i);
    assert.equal(out[5], 'logout: HTTP 204');
  });
});
