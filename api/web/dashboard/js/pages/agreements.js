// Agreements needing action in the next 90 days: follow-ups due (overdue ones included) and
// the last days to give notice (GET /api/v1/agreements?due_before=…).
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { t, pick, formatDate } from '../i18n.js';
import { isoDaysFromToday } from '../periods.js';

export async function render(main, { current }) {
  const due = isoDaysFromToday(90);
  const data = await api.agreementsDue(due);
  if (!current()) return;
  document.title = `${t('agreements.title')} – ${t('app.title')}`;
  const byKey = new Map((data.items ?? []).map((a) => [a.key, a]));
  const followUps = [...(data.follow_ups_due ?? [])].sort((a, b) => String(a.due_on).localeCompare(String(b.due_on)));
  const notices = [...(data.notices_due ?? [])].sort((a, b) => String(a.next_notice_date).localeCompare(String(b.next_notice_date)));
  const kind = (key) => pick(byKey.get(key), 'kind');

  replace(main,
    h('h1', { tabindex: '-1', 'data-testid': 'agreements-title' }, t('agreements.title')),
    h('p', {}, t('agreements.intro', { date: formatDate(data.due_before ?? due) })),
    h('section', { 'aria-labelledby': 'followups-title', 'data-testid': 'followups' },
      h('h2', { id: 'followups-title' }, t('agreements.followUps'), ' ', h('span', { class: 'count' }, `(${followUps.length})`)),
      followUps.length
        ? table(['agreement', 'kind', 'what', 'by', 'due', 'state'], followUps.map((f) => h('tr', { 'data-testid': 'followup-row', class: f.overdue ? 'overdue' : null },
          h('th', { scope: 'row' }, f.title ?? f.agreement),
          h('td', {}, kind(f.agreement)),
          h('td', {}, f.what ?? ''),
          h('td', {}, Array.isArray(f.by) ? f.by.join(', ') : (f.by ?? '')),
          h('td', {}, h('time', { datetime: f.due_on }, formatDate(f.due_on))),
          h('td', {}, h('span', { class: `badge ${f.overdue ? 'st-worse' : 'st-no_signal'}` }, f.overdue ? t('agreements.overdue') : t('agreements.upcoming'))))))
        : h('p', {}, t('agreements.none'))),
    h('section', { 'aria-labelledby': 'notices-title', 'data-testid': 'notices' },
      h('h2', { id: 'notices-title' }, t('agreements.notices'), ' ', h('span', { class: 'count' }, `(${notices.length})`)),
      notices.length
        ? table(['agreement', 'kind', 'notice', 'currentEnd', 'noticeEnds'], notices.map((n) => h('tr', { 'data-testid': 'notice-row' },
          h('th', { scope: 'row' }, n.title ?? n.agreement),
          h('td', {}, kind(n.agreement)),
          h('td', {}, h('time', { datetime: n.next_notice_date }, formatDate(n.next_notice_date))),
          h('td', {}, formatDate(n.current_end)),
          h('td', {}, formatDate(n.notice_ends)))))
        : h('p', {}, t('agreements.none'))));
}

function table(cols, rows) {
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': cols.map((c) => t(`agreements.col.${c}`)).join(', ') },
    h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(`agreements.col.${c}`))))),
      h('tbody', {}, rows)));
}
