// Errors in plain words: what happened, in the person's language, with the API's own
// message and the request id underneath for whoever has to look into it.
import { h } from './dom.js';
import { t } from './i18n.js';

const KNOWN = new Set([400, 401, 403, 404, 409, 413, 422, 429, 500, 503]);

export function describe(err) {
  if (!err || (err.status === 0 && err.code === 'network')) return t('error.network');
  if (err.code === 'invalid_grant' && err.status === 429) {
    const minutes = Math.max(1, Math.ceil((Number(err.retryAfter) || 60) / 60));
    return t('error.locked', { minutes });
  }
  if (err.code === 'invalid_grant') return t('error.invalid_grant');
  if (KNOWN.has(err.status)) return t(`error.${err.status}`);
  if (err.status >= 500) return t('error.500');
  return t('error.other', { status: err.status });
}

// An alert box for err; retry: an optional function behind a "try again" button.
export function errorBox(err, retry) {
  const details = (err?.details ?? []).map((d) => h('li', {}, d.path ? `${d.path}: ${d.message}` : d.message));
  const shown = err?.message && err.code !== 'network' && err.code !== 'invalid_grant';
  return h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-status': err?.status ?? 0, 'data-code': err?.code ?? '' },
    h('p', { class: 'error-title' }, h('strong', {}, t('error.title')), ' ', describe(err)),
    shown ? h('p', { class: 'error-detail' }, t('error.detail', { message: err.message })) : null,
    details.length ? h('ul', { class: 'error-detail' }, details) : null,
    err?.requestId ? h('p', { class: 'error-detail' }, t('error.requestId', { id: err.requestId })) : null,
    retry ? h('button', { type: 'button', onclick: retry }, t('error.retry')) : null);
}
