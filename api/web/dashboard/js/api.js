// The API client: same-origin JSON requests with the bearer token. Every error becomes an
// ApiError carrying the API's one error shape ({"error":{status, code, message, details},
// "request_id"}); a 401 on a token that looked valid gets one quiet refresh and one retry.
import * as auth from './auth.js';
import { lang } from './i18n.js';

export class ApiError extends Error {
  constructor({ status = 0, code = 'network', message = '', details = [], requestId = null, retryAfter = null } = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }
}

function url(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== null && v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function send(path, { query, token }) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(url(path, query), { headers, cache: 'no-cache', credentials: 'omit' });
  } catch (e) {
    throw new ApiError({ message: String(e?.message ?? e) });
  }
}

async function errorOf(res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  const e = body?.error && typeof body.error === 'object' ? body.error : {};
  return new ApiError({
    status: res.status,
    code: e.code ?? (typeof body?.error === 'string' ? body.error : 'http_error'),
    message: e.message ?? body?.error_description ?? res.statusText,
    details: e.details,
    requestId: body?.request_id ?? res.headers.get('x-request-id'),
    retryAfter: res.headers.get('retry-after'),
  });
}

// GET path (with query) as JSON. pub: no token needed.
export async function get(path, query = {}, { pub = false } = {}) {
  let token = null;
  if (!pub) {
    try {
      token = await auth.accessToken();
    } catch (e) {
      // The refresh failed: the network or a busy server (the session is kept), or the
      // login has ended.
      if (e.code === 'network') throw new ApiError({ message: e.message });
      if (e.status >= 500) throw new ApiError({ status: e.status, code: e.code, message: e.message, requestId: e.requestId });
      throw new ApiError({ status: 401, code: 'unauthorized', message: e.message });
    }
    if (!token) throw new ApiError({ status: 401, code: 'unauthorized', message: 'not logged in' });
  }
  let res = await send(path, { query, token });
  if (res.status === 401 && !pub) {
    try {
      await auth.refresh();
      res = await send(path, { query, token: await auth.accessToken() });
    } catch { /* the session has ended; reported below */ }
    if (res.status === 401) auth.sessionRefused();
  }
  if (!res.ok) throw await errorOf(res);
  return res.json();
}

// ---- the reads the dashboard makes ----

const cache = new Map(); // public reference data, read once
function once(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}

export const areas = () => once('areas', () => get('/api/v1/areas', {}, { pub: true })).then((r) => r.items);
export const principals = () => once('principals', () => get('/api/v1/principals', {}, { pub: true })).then((r) => r.items);
export const measures = (area) => get('/api/v1/measures', { area }).then((r) => r.items);
export const measure = (slug) => get(`/api/v1/measures/${encodeURIComponent(slug)}`);
export const me = () => get('/api/v1/auth/me');
export const diagram = (area) => get(`/api/v1/areas/${encodeURIComponent(area)}/diagram`, { lang: lang() });
export const areaSignals = (area) => get(`/api/v1/areas/${encodeURIComponent(area)}/signals`);
export const measureSignals = (slug, principal) =>
  get(`/api/v1/measures/${encodeURIComponent(slug)}/signals`, { principal });
export const agreementsDue = (dueBefore) => get('/api/v1/agreements', { due_before: dueBefore, lang: lang() });
