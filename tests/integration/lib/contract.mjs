// The contract check: every response an integration test receives through harness.mjs's req()
// is validated against the OpenAPI 3.1 document the same server serves (GET /openapi.json: the
// core and the plugins it loaded) with a JSON Schema 2020-12 validator (ajv). A response fails
// its test when
//   - its route is not documented (anything but the router's own 404/405, a preflight, or an
//     error the server gives before routing: a malformed path 400, a body over the limit 413),
//   - its status is not documented for the operation,
//   - its content type is not one documented for that status, or a body comes where none is
//     documented,
//   - its JSON body does not match the documented schema (schemas say additionalProperties:
//     false where the shape is fixed, so an undocumented field fails),
//   - a required documented header is missing, a documented header does not match its schema,
//     or it carries an API header (ETag, Location, X-Next-Cursor, …) the response does not
//     document.
// Every response is also recorded (operation and status) under $LGVO_TEST_WORK/contract/, so
// that contract-coverage (run by ctest after every other test) can check that every documented
// operation was exercised.
//
// Routes of the test-fixture plugins (tests/plugins: deliberately careless or odd) are recorded
// and not judged.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

// The test-fixture plugins of tests/plugins: their routes are recorded, not judged.
export const FIXTURE_PREFIXES = ['/api/v1/careless', '/api/v1/conformance'];

// Headers every response may carry without documenting them: HTTP itself, CORS (see README),
// X-Request-Id (on every response; documented in info.description) and caching directives.
const GENERIC_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type',
  'transfer-encoding', 'vary', 'x-request-id', 'cache-control', 'pragma', 'expires']);

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- the document: operations, routes, compiled schemas ----

const compiled = new Map(); // sha256 of the document text -> Contract

class Contract {
  constructor(doc) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'lgvo:openapi');
    this.validators = new Map();
    this.routes = [];
    for (const [template, item] of Object.entries(doc.paths ?? {})) {
      const seg = template === '/' ? [] : template.split('/').slice(1);
      for (const method of METHODS) {
        const op = item[method];
        if (op) this.routes.push({ template, seg, method, op, pointer: `/paths/${esc(template)}/${method}` });
      }
    }
  }

  // The documented operation for method and raw path (the router's rules: a trailing slash is
  // ignored, literal segments compared undecoded, earlier literals win), or {wrongMethod}.
  match(method, rawPath) {
    const p = rawPath.split('?')[0].replace(/(.)\/$/, '$1');
    const seg = p === '/' ? [] : p.split('/').slice(1);
    if (seg.some((s) => s === '')) return { none: true };
    const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    let best = null, bestScore = 0, anyPath = false;
    for (const r of this.routes) {
      const score = matchScore(r.seg, seg);
      if (!score) continue;
      anyPath = true;
      if (r.method === m && score > bestScore) { best = r; bestScore = score; }
    }
    if (best) return { route: best };
    return anyPath ? { wrongMethod: true } : { none: true };
  }

  validator(pointer) {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.compile({ $ref: `lgvo:openapi#${pointer}` });
      this.validators.set(pointer, v);
    }
    return v;
  }

  // Follows a local $ref (responses, headers); returns [object, its JSON pointer].
  deref(obj, pointer) {
    for (let i = 0; obj && obj.$ref && i < 10; i++) {
      pointer = obj.$ref.slice(1);
      obj = pointer.split('/').slice(1).map(unesc).reduce((o, k) => o?.[k], this.doc);
    }
    return [obj, pointer];
  }
}

function matchScore(tseg, seg) {
  if (tseg.length !== seg.length) return 0;
  let score = 1;
  for (let i = 0; i < seg.length; i++) {
    score *= 2;
    if (/^\{[^}]+\}$/.test(tseg[i])) continue;
    if (tseg[i] !== seg[i]) return 0;
    score += 1;
  }
  return score;
}

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const unesc = (s) => s.replace(/~1/g, '/').replace(/~0/g, '~');

export function contractFor(docText) {
  const key = crypto.createHash('sha256').update(docText).digest('hex');
  let c = compiled.get(key);
  if (!c) {
    c = new Contract(JSON.parse(docText));
    compiled.set(key, c);
  }
  return c;
}

// The document a server serves, fetched once per server (srv.contract holds the promise).
export function contractOf(srv) {
  if (!srv.contract) {
    srv.contract = fetch(`${srv.base}/openapi.json`)
      .then(async (res) => {
        if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
        return contractFor(await res.text());
      });
    srv.contract.catch(() => { srv.contract = undefined; });
  }
  return srv.contract;
}

// ---- judging one response ----

const mediaType = (ct) => (ct ?? '').split(';')[0].trim().toLowerCase();
const isJson = (mt) => mt === 'application/json' || mt.endsWith('+json');

function errorShapeProblems(c, res) {
  const v = c.doc.components?.schemas?.Error ? c.validator('/components/schemas/Error') : null;
  if (mediaType(res.headers.get('content-type')) !== 'application/json') return [`content type ${res.headers.get('content-type')}, not application/json`];
  if (v && !v(res.json)) return v.errors.map((e) => `body${e.instancePath} ${e.message}`);
  return [];
}

// Returns {operationId, problems: [...]} for one response. req: {method, path}; res: {status,
// headers (a Headers), text, json}.
export function judge(c, req, res) {
  const m = c.match(req.method, req.path);
  const problems = [];
  if (!m.route) {
    // Not a documented operation: only what the server answers before any handler runs.
    const before = { 400: 'a malformed path', 413: 'a body over the limit' };
    if (req.method === 'OPTIONS' && res.status === 204 && m.wrongMethod) return { operationId: 'OPTIONS (preflight)', problems };
    if ((m.none || m.wrongMethod) && res.status === 404) problems.push(...errorShapeProblems(c, res));
    else if (m.wrongMethod && res.status === 405) {
      if (!res.headers.get('allow')) problems.push('405 without Allow');
      problems.push(...errorShapeProblems(c, res));
    } else if (before[res.status]) problems.push(...errorShapeProblems(c, res));
    else problems.push(`undocumented route: ${req.method} ${req.path} answered ${res.status}`);
    return { operationId: m.none ? 'unmatched (404)' : 'wrong method (405)', problems };
  }
  // Answers the server gives before any route runs, whatever the route documents: a malformed
  // path (400 bad_request) and a body over the limit (413).
  const early = (res.status === 400 && res.json?.error?.code === 'bad_request' && /request path is malformed/.test(res.json.error.message ?? ''))
    || (res.status === 413 && res.json?.error?.code === 'payload_too_large');
  if (early) return { operationId: `${m.route.op.operationId ?? m.route.template} (before routing)`, problems: errorShapeProblems(c, res) };
  const { op, pointer } = m.route;
  const operationId = op.operationId ?? `${m.route.method} ${m.route.template}`;
  let [response, rpointer] = c.deref(op.responses?.[String(res.status)], `${pointer}/responses/${res.status}`);
  if (!response) {
    const range = `${String(res.status)[0]}XX`;
    [response, rpointer] = c.deref(op.responses?.[range], `${pointer}/responses/${range}`);
  }
  if (!response) {
    problems.push(`undocumented status ${res.status} (documented: ${Object.keys(op.responses ?? {}).join(', ')}): ${res.text.slice(0, 300)}`);
    return { operationId, problems };
  }
  if (!res.headers.get('x-request-id')) problems.push('no X-Request-Id header');
  // headers
  const documented = new Map(Object.entries(response.headers ?? {}).map(([k, h]) => [k.toLowerCase(), [k, h]]));
  for (const [lk, [k, h0]] of documented) {
    const [h, hp] = c.deref(h0, `${rpointer}/headers/${esc(k)}`);
    const value = res.headers.get(lk);
    if (value === null) {
      if (h?.required) problems.push(`required header ${k} missing`);
      continue;
    }
    if (h?.schema) {
      const v = c.validator(`${hp}/schema`);
      if (!v(value)) problems.push(`header ${k}: ${JSON.stringify(value)} ${v.errors.map((e) => e.message).join('; ')}`);
    }
  }
  for (const [name] of res.headers) {
    const lk = name.toLowerCase();
    if (GENERIC_HEADERS.has(lk) || lk.startsWith('access-control-') || documented.has(lk)) continue;
    problems.push(`undocumented header ${name}`);
  }
  // body
  const content = response.content;
  const head = req.method === 'HEAD';
  if (!content || Object.keys(content).length === 0) {
    if (res.text.length > 0) problems.push(`a body where none is documented: ${res.text.slice(0, 200)}`);
    return { operationId, problems };
  }
  const mt = mediaType(res.headers.get('content-type'));
  const key = Object.keys(content).find((k) => k.toLowerCase() === mt)
    ?? Object.keys(content).find((k) => k.endsWith('/*') && mt.startsWith(k.slice(0, -1)))
    ?? (Object.hasOwn(content, '*/*') ? '*/*' : undefined);
  if (!key) {
    problems.push(`content type ${res.headers.get('content-type')} not documented (documented: ${Object.keys(content).join(', ')})`);
    return { operationId, problems };
  }
  if (head || !content[key].schema || !isJson(mt)) return { operationId, problems };
  if (res.json === undefined) {
    problems.push(`the body is not JSON: ${res.text.slice(0, 200)}`);
    return { operationId, problems };
  }
  const v = c.validator(`${rpointer}/content/${esc(key)}/schema`);
  if (!v(res.json)) {
    for (const e of v.errors.slice(0, 8)) {
      const extra = e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : '';
      problems.push(`body${e.instancePath || '/'} ${e.message}${extra}`);
    }
  }
  return { operationId, problems };
}

// ---- recording ----

const WORK = process.env.LGVO_TEST_WORK;
const RECORD_DIR = WORK ? path.join(WORK, 'contract') : null;
const FILE = path.basename(process.argv[1] ?? 'unknown').replace(/\.test\.mjs$/, '');
const seen = new Set();

function record(entry) {
  if (!RECORD_DIR) return;
  const key = JSON.stringify(entry);
  if (seen.has(key)) return;
  seen.add(key);
  fs.mkdirSync(RECORD_DIR, { recursive: true });
  fs.appendFileSync(path.join(RECORD_DIR, `${FILE}.${process.pid}.jsonl`), `${key}\n`);
}

// Called by req() for every response. Throws (failing the test) on a contract violation.
export async function checkResponse(srv, req, res) {
  let c;
  try {
    c = await contractOf(srv);
  } catch (e) {
    // The server is gone (a test that stops or kills it): nothing to validate against.
    record({ file: FILE, unvalidated: `${req.method} ${req.path.split('?')[0]}`, status: res.status, why: String(e.message ?? e) });
    return;
  }
  const { operationId, problems } = judge(c, req, res);
  const fixture = FIXTURE_PREFIXES.some((p) => req.path === p || req.path.startsWith(`${p}/`) || req.path.startsWith(`${p}?`));
  record({ file: FILE, operation: operationId, status: res.status });
  if (problems.length === 0) return;
  if (process.env.LGVO_CONTRACT_REPORT) {
    // Survey mode (while writing the document): record, do not fail.
    fs.mkdirSync(process.env.LGVO_CONTRACT_REPORT, { recursive: true });
    for (const p of problems) {
      fs.appendFileSync(path.join(process.env.LGVO_CONTRACT_REPORT, `${FILE}.${process.pid}.jsonl`), `${JSON.stringify({ file: FILE, op: operationId, method: req.method, path: req.path.slice(0, 200), status: res.status, problem: p.slice(0, 400), sample: res.text.slice(0, 6000) })}\n`);
    }
    return;
  }
  if (fixture) {
    for (const p of problems) record({ file: FILE, tolerated: operationId, fixture, status: res.status, problem: p.replace(/[0-9a-f]{32}/g, '…').slice(0, 300) });
    return;
  }
  assert.fail(`contract: ${req.method} ${req.path} → ${res.status} (${operationId}) disagrees with /openapi.json:\n  ${problems.join('\n  ')}`);
}

// Everything recorded so far by every test file (for contract-coverage).
export function recorded() {
  if (!RECORD_DIR || !fs.existsSync(RECORD_DIR)) return [];
  return fs.readdirSync(RECORD_DIR).filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => fs.readFileSync(path.join(RECORD_DIR, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
}
