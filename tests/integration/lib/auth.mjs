// Helpers for the identity-and-access tests: accounts through the CLI, the token endpoint,
// and JWTs taken apart, verified against the JWKS and forged with node:crypto.
//
//   const db = createDatabase();
//   const admin = await createUser(db, { principal: 'region-ostergotland', role: 'county_admin' });
//   const srv = await startServer({ db, env: FAST_HASH });
//   const { access_token } = await login(srv, admin.username, admin.password);
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, req, WORK } from './harness.mjs';

// Cheap Argon2id parameters: hashing under the sanitizers is slow, and every test file that
// creates accounts uses the same setting for the CLI and the server (a different setting
// would make every login rehash).
export const FAST_HASH = { LGVO_PASSWORD_OPSLIMIT: '1', LGVO_PASSWORD_MEMLIMIT_KIB: '8192' };

let userCounter = 0;
// A password nobody else uses, so that a leak can be searched for.
export function uniquePassword(tag = 'pw') {
  return `${tag}-${crypto.randomBytes(9).toString('base64url')}-Lösen`;
}

// `lgvo-api user add …` (the password on stdin). Returns the printed JSON plus the password.
export async function createUser(db, { principal, role, areas = [], username, password, env = FAST_HASH } = {}) {
  username = username ?? `u${process.pid}x${userCounter++}`;
  password = password ?? uniquePassword(username);
  const args = ['user', 'add', '--principal', principal, '--username', username, '--role', role];
  for (const a of areas) args.push('--area', a);
  args.push('--password-stdin');
  const out = await runCommand(args, { db, input: `${password}\n`, env });
  assert.equal(out.code, 0, `user add failed: ${out.stderr}`);
  return { ...JSON.parse(out.stdout), password };
}

// `lgvo-api client add …`. Returns the printed JSON (client_id, client_secret, …).
export async function createClient(db, { principal, role, areas = [], name = 'Test client' } = {}) {
  const args = ['client', 'add', '--principal', principal, '--name', name, '--role', role];
  for (const a of areas) args.push('--area', a);
  const out = await runCommand(args, { db });
  assert.equal(out.code, 0, `client add failed: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

// POST /api/v1/auth/token. params: an object; as: 'form' (default) or 'json'; basic: [id, secret].
export function tokenRequest(srv, params, { as = 'form', basic, headers = {} } = {}) {
  const h = { ...headers };
  if (basic) h.authorization = `Basic ${Buffer.from(`${basic[0]}:${basic[1]}`).toString('base64')}`;
  if (as === 'json') return req(srv, 'POST', '/api/v1/auth/token', { body: params, headers: h });
  h['content-type'] = 'application/x-www-form-urlencoded';
  return req(srv, 'POST', '/api/v1/auth/token', { body: new URLSearchParams(params).toString(), headers: h });
}

export async function login(srv, username, password) {
  const res = await tokenRequest(srv, { grant_type: 'password', username, password });
  assert.equal(res.status, 200, `login of ${username} failed: ${res.text}`);
  return res.json;
}

export async function clientToken(srv, clientId, secret) {
  const res = await tokenRequest(srv, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
  assert.equal(res.status, 200, `client_credentials for ${clientId} failed: ${res.text}`);
  return res.json;
}

export async function refresh(srv, refreshToken) {
  return tokenRequest(srv, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

// Asserts an RFC 6749 §5.2 error: the status, the error code, a description, no caching.
export function expectOAuthError(res, status, error) {
  assert.equal(res.status, status, `expected ${status} ${error}, got ${res.status}: ${res.text}`);
  assert.ok(res.json, `not JSON: ${res.text}`);
  assert.equal(res.json.error, error, res.text);
  assert.equal(typeof res.json.error_description, 'string');
  assert.ok(res.json.error_description.length > 0);
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  return res.json;
}

// Asserts 401 with WWW-Authenticate: Bearer error="invalid_token" and the JSON error shape.
export function expectInvalidToken(res) {
  assert.equal(res.status, 401, `expected 401, got ${res.status}: ${res.text}`);
  const wa = res.headers.get('www-authenticate') ?? '';
  assert.match(wa, /^Bearer /, `WWW-Authenticate: ${wa}`);
  assert.match(wa, /error="invalid_token"/, `WWW-Authenticate: ${wa}`);
  assert.ok(res.json?.error, `no error object: ${res.text}`);
  assert.equal(res.json.error.status, 401);
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
  return res.json.error;
}

// ---- JWTs ----

export const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

export function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: Buffer.from(s, 'base64url'),
    signingInput: `${h}.${p}`,
  };
}

// Signs header.payload with key (a KeyObject or PEM; for HS256 a secret) by header.alg.
// 'none' gives an empty signature.
export function signJwt(header, payload, key) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  let sig;
  switch (header.alg) {
    case 'ES256': sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }); break;
    case 'RS256': sig = crypto.sign('sha256', Buffer.from(input), key); break;
    case 'HS256': sig = crypto.createHmac('sha256', key).update(input).digest(); break;
    default: sig = Buffer.alloc(0);
  }
  return `${input}.${sig.toString('base64url')}`;
}

// Verifies token against a JWK (ES256 or RS256); returns true or false.
export function verifyWithJwk(token, jwk) {
  const { header, signature, signingInput } = decodeJwt(token);
  const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
  const opts = header.alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return crypto.verify('sha256', Buffer.from(signingInput), opts, signature);
}

// The RFC 7638 thumbprint of a public JWK (EC or RSA), computed independently of the server.
export function thumbprint(jwk) {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

// A fresh key pair written as a PKCS#8 PEM file for LGVO_JWT_KEY_FILE.
export function generateKeyFile(type = 'ec') {
  const opts = type === 'ec' ? { namedCurve: 'P-256' } : { modulusLength: 2048 };
  const { privateKey, publicKey } = crypto.generateKeyPairSync(type, opts);
  const file = path.join(WORK, `jwt-key-${process.pid}-${crypto.randomBytes(4).toString('hex')}.pem`);
  fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const jwk = publicKey.export({ format: 'jwk' });
  return { file, privateKey, publicKey, jwk, kid: thumbprint(jwk) };
}

// Claims as the server issues them, for forging; override any with extra.
export function claims(extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'lgvo-api', aud: 'lgvo-api', sub: `user:${crypto.randomUUID()}`, iat: now, nbf: now,
    exp: now + 600, jti: crypto.randomUUID(), principal: 'motala', roles: ['reader'], areas: [],
    sid: crypto.randomUUID(), ...extra,
  };
}
