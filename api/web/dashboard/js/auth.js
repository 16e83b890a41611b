// The login session: OAuth 2.0 password grant at POST /api/v1/auth/token, a quiet refresh
// before the access token expires (grant_type=refresh_token), logout at POST
// /api/v1/auth/logout. Tokens live in memory and in sessionStorage (this tab only, gone when
// it closes), never in localStorage.
//
// Refresh tokens rotate: each is good for one use, and using one twice revokes the whole
// login. So there is only ever one refresh in flight (refresh() returns the same promise to
// every caller), the new refresh token replaces the old one before anything else can read
// it, and a failed refresh ends the session instead of retrying with the same token.
const KEY = 'lgvo.session';
const TOKEN_URL = '/api/v1/auth/token';

let session = load(); // {access_token, refresh_token, expires_at (ms), issued_at (ms)} or null
let timer = null;
let inflight = null;
const listeners = new Set();

function load() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY));
    return s && typeof s.access_token === 'string' && typeof s.refresh_token === 'string' ? s : null;
  } catch {
    return null;
  }
}

function save(s) {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

// An error of the token endpoint (RFC 6749 §5.2: {error, error_description}) or the network.
export class AuthError extends Error {
  constructor({ status = 0, error = 'network', description = '', retryAfter = null, requestId = null } = {}) {
    super(description || error);
    this.status = status;
    this.code = error;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
  }
}

async function tokenRequest(params) {
  let res;
  try {
    res = await fetch(TOKEN_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new AuthError({ description: String(e?.message ?? e) });
  }
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (!res.ok || !body?.access_token) {
    throw new AuthError({
      status: res.status,
      error: typeof body?.error === 'string' ? body.error : (body?.error?.code ?? 'server_error'),
      description: body?.error_description ?? body?.error?.message ?? '',
      retryAfter: res.headers.get('retry-after'),
      requestId: body?.request_id ?? res.headers.get('x-request-id'),
    });
  }
  return body;
}

function accept(body) {
  const now = Date.now();
  const lifetime = Math.max(1, Number(body.expires_in) || 900) * 1000;
  save({ access_token: body.access_token, refresh_token: body.refresh_token ?? session?.refresh_token,
    expires_at: now + lifetime, issued_at: now });
  schedule();
}

// Refresh a little before expiry: a minute early, or a quarter of the lifetime when shorter.
function schedule() {
  clearTimeout(timer);
  timer = null;
  if (!session) return;
  const lifetime = session.expires_at - session.issued_at;
  const margin = Math.min(60000, lifetime / 4);
  const wait = Math.max(0, session.expires_at - margin - Date.now());
  timer = setTimeout(() => { refresh().catch(() => { /* reported through onChange */ }); }, wait);
}

function notify(reason) {
  for (const fn of listeners) fn(session, reason);
}

export function onChange(fn) { listeners.add(fn); }

export function isLoggedIn() { return session !== null; }

// The current access token (refreshing first when it has expired or is about to).
export async function accessToken() {
  if (!session) return null;
  if (Date.now() > session.expires_at - 5000) await refresh();
  return session?.access_token ?? null;
}

export async function login(username, password) {
  const body = await tokenRequest({ grant_type: 'password', username, password });
  accept(body);
  notify('login');
}

// One refresh at a time; every caller waits for the same one. A refused refresh (the token
// expired, was revoked or reused) ends the session.
export function refresh() {
  if (inflight) return inflight;
  if (!session) return Promise.reject(new AuthError({ status: 401, error: 'invalid_grant' }));
  const used = session.refresh_token;
  inflight = (async () => {
    try {
      const body = await tokenRequest({ grant_type: 'refresh_token', refresh_token: used });
      accept(body);
      notify('refresh');
    } catch (e) {
      // Network trouble: keep the session and try again shortly; the token was not used up.
      if (e.code === 'network' || e.status >= 500) {
        clearTimeout(timer);
        timer = setTimeout(() => { refresh().catch(() => {}); }, 10000);
      } else {
        end('expired');
      }
      throw e;
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

function end(reason) {
  clearTimeout(timer);
  timer = null;
  save(null);
  notify(reason);
}

// Revokes the token and its login at the server, then forgets both tokens whatever the
// server said (a logout never fails for the person).
export async function logout() {
  const token = session?.access_token;
  if (token) {
    try {
      await fetch('/api/v1/auth/logout', { method: 'POST', headers: { authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit' });
    } catch { /* forgotten below all the same */ }
  }
  end('logout');
}

// Called when the API refused a token that looked valid here (revoked elsewhere).
export function sessionRefused() { end('expired'); }

// Timers sleep in background tabs: check again when the tab is shown.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session) schedule();
});

if (session) schedule();
