// The served contract is complete and lints clean: GET /openapi.json of a server with the four
// real plugins is linted with Redocly CLI (openapi/package-lock.json; zero errors), and every
// operation has an operationId, a summary, a response schema for its JSON answers, the error
// responses every route can give (401 for an authenticated route, 400/404/422 where it reads
// input) and at least one example. The info.version is the build's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, createDatabase, startServer, req, expectStatus, SOURCE_DIR, WORK } from './lib/harness.mjs';
import { FAST_HASH } from './lib/auth.mjs';
import { pluginDir, realPlugins } from './lib/plugins.mjs';
import { METHODS } from './lib/contract.mjs';

let srv, doc;
before(async () => {
  srv = await startServer({ db: createDatabase(), env: { ...FAST_HASH, LGVO_PLUGIN_DIR: pluginDir(...realPlugins()) } });
  doc = expectStatus(await req(srv, 'GET', '/openapi.json'), 200).json;
});
after(() => srv?.stop());

const operations = () => Object.entries(doc.paths).flatMap(([p, item]) =>
  METHODS.filter((m) => item[m]).map((m) => ({ path: p, method: m, op: item[m] })));

test('Redocly lint: zero errors', () => {
  const file = path.join(WORK, `openapi-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  const bin = path.join(SOURCE_DIR, 'openapi', 'node_modules', '.bin', 'redocly');
  // Redocly reports on stderr and exits non-zero on any error.
  const res = spawnSync(bin, ['lint', '--format=stylish', file], { encoding: 'utf8', timeout: 120000 });
  const out = `${res.stdout}\n${res.stderr}`;
  assert.equal(res.status, 0, `redocly lint found errors:\n${out}`);
  assert.match(out, /valid/i, out);
});

test('info.version is the build\'s, and the document is OpenAPI 3.1 with bearer and OAuth2 schemes', async () => {
  assert.match(doc.openapi, /^3\.1\./);
  const built = execFileSync(BIN, ['version'], { encoding: 'utf8' }).trim();
  assert.ok(doc.info.version && built.includes(doc.info.version), `info.version ${doc.info.version}, the binary says ${built}`);
  assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
  const flows = doc.components.securitySchemes.oauth2.flows;
  assert.equal(flows.password.tokenUrl, '/api/v1/auth/token');
  assert.equal(flows.clientCredentials.tokenUrl, '/api/v1/auth/token');
});

test('every operation: operationId, summary, a schema for each JSON answer, an example, its error responses', () => {
  const problems = [];
  const deref = (o) => { for (let i = 0; o?.$ref && i < 5; i++) o = o.$ref.slice(2).split('/').reduce((x, k) => x?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc); return o; };
  const hasExample = (op) => {
    const media = [...Object.values(op.responses ?? {}), op.requestBody].map(deref).filter(Boolean).flatMap((r) => Object.values(r.content ?? {}));
    return media.some((m) => m.example !== undefined || (m.examples && Object.keys(m.examples).length))
      || (op.parameters ?? []).map(deref).some((p) => p?.example !== undefined || p?.schema?.examples);
  };
  for (const { path: p, method, op } of operations()) {
    const where = `${method.toUpperCase()} ${p}`;
    if (!op.operationId) problems.push(`${where}: no operationId`);
    if (!op.summary) problems.push(`${where}: no summary`);
    if (!hasExample(op)) problems.push(`${where}: no example`);
    const secured = (op.security ?? doc.security ?? []).length > 0;
    if (secured && !op.responses?.['401']) problems.push(`${where}: authenticated but no 401`);
    for (const [status, r0] of Object.entries(op.responses ?? {})) {
      const r = deref(r0);
      if (!r?.description) problems.push(`${where} ${status}: no description`);
      const json = r?.content?.['application/json'];
      if (json && !json.schema) problems.push(`${where} ${status}: JSON without a schema`);
      if (status >= '400' && json && json.schema && !JSON.stringify(json.schema).includes('Error') && p !== '/api/v1/auth/token')
        problems.push(`${where} ${status}: an error answer not in the Error shape`);
    }
    // a path naming something that may not exist (PUT creates it, and a POST may act on a
    // collection) can be a 404
    if (p.includes('{') && ['get', 'patch', 'delete'].includes(method) && !op.responses?.['404']) problems.push(`${where}: a path parameter but no 404`);
  }
  assert.deepEqual(problems, []);
});
