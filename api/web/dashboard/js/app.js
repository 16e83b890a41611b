// The dashboard's shell: header (title, menu, language switch, who is logged in, logout),
// the routes, and who may see what (everything but the login form needs a login).
import * as api from './api.js';
import * as auth from './auth.js';
import { h, replace } from './dom.js';
import { errorBox } from './errors.js';
import { t, lang, setLang, onLangChange } from './i18n.js';
import { parse, href, go } from './router.js';
import * as loginPage from './pages/login.js';
import * as areasPage from './pages/areas.js';
import * as areaPage from './pages/area.js';
import * as measurePage from './pages/measure.js';
import * as multiplesPage from './pages/multiples.js';
import * as agreementsPage from './pages/agreements.js';

const PAGES = { login: loginPage, areas: areasPage, area: areaPage, measure: measurePage, multiples: multiplesPage, agreements: agreementsPage };

const header = document.getElementById('header');
const main = document.getElementById('main');
const announcer = document.getElementById('announcer');
let me = null;
let renderCount = 0;
let notice = null; // a message for the login form (logged out, session ended)

// Tells screen readers which view has opened (the page itself never reloads).
function announce(text) { announcer.textContent = text; }

function renderHeader(route) {
  const nav = me
    ? h('nav', { 'aria-label': t('nav.label') },
      h('ul', {},
        h('li', {}, h('a', { href: href('areas'), 'aria-current': ['areas', 'area', 'measure', 'multiples'].includes(route.name) ? 'page' : null, 'data-testid': 'nav-areas' }, t('nav.areas'))),
        h('li', {}, h('a', { href: href('agreements'), 'aria-current': route.name === 'agreements' ? 'page' : null, 'data-testid': 'nav-agreements' }, t('nav.agreements'))),
        h('li', {}, h('a', { href: '/docs' }, t('nav.docs')))))
    : null;
  const other = lang() === 'sv' ? 'en' : 'sv';
  const user = me
    ? h('div', { class: 'user' },
      h('span', { 'data-testid': 'who' }, t('user.signedIn', { user: me.display_name || me.username, principal: me.principal?.name ?? '' })),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'logout', onclick: onLogout }, t('user.logout')))
    : null;
  replace(header,
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('app.skip')),
    h('div', { class: 'brand' },
      h('p', { class: 'app-title' }, h('a', { href: href('areas') }, t('app.title'))),
      h('p', { class: 'app-subtitle' }, t('app.subtitle'))),
    nav,
    h('div', { class: 'tools' },
      h('button', { type: 'button', class: 'secondary', lang: other, 'aria-label': t('lang.switch.label'), 'data-testid': 'lang-switch', onclick: () => setLang(other) }, t('lang.switch')),
      user));
}

async function onLogout() {
  notice = 'login.loggedOut';
  await auth.logout();
}

async function loadMe() {
  if (!me && auth.isLoggedIn()) me = await api.me();
  return me;
}

// The control that had focus, to give it back after a re-render (the language switch, a
// principal chosen in a select): its id or data-testid.
function focusKey() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  if (el.id) return `#${CSS.escape(el.id)}`;
  if (el.dataset?.testid) return `[data-testid="${CSS.escape(el.dataset.testid)}"]`;
  return null;
}

async function render() {
  const route = parse();
  const refocus = focusKey();
  const mine = ++renderCount;
  const current = () => mine === renderCount;
  if (route.name !== 'login' && !auth.isLoggedIn()) {
    go('login', {}, { next: route.hash !== '#' && route.hash !== '#/' ? route.hash : null });
    return;
  }
  if (route.name === 'login' && auth.isLoggedIn()) {
    location.hash = route.query.next || href('areas');
    return;
  }
  try {
    await loadMe();
  } catch (e) {
    if (!current()) return;
    renderHeader(route);
    replace(main, errorBox(e, render));
    return;
  }
  if (!current()) return;
  renderHeader(route);
  const page = PAGES[route.name];
  main.setAttribute('aria-busy', 'true');
  main.dataset.page = route.name;
  try {
    if (!page) {
      document.title = t('app.title');
      replace(main, h('h1', { tabindex: '-1' }, t('notFound')));
    } else {
      await page.render(main, { route, current, me, notice: route.name === 'login' ? notice : null });
      if (route.name === 'login') notice = null;
    }
  } catch (e) {
    if (current()) replace(main, errorBox(e, render));
  } finally {
    if (current()) {
      main.setAttribute('aria-busy', 'false');
      main.dataset.ready = String(mine);
      announce(document.title);
      // Focus goes back to the control that had it, else to the new view's heading, so that
      // keyboard and screen-reader users land in the view.
      const again = refocus ? document.querySelector(refocus) : null;
      const heading = main.querySelector('h1');
      if (again) again.focus({ preventScroll: true });
      else if (heading && route.name !== 'login') heading.focus({ preventScroll: true });
    }
  }
}

auth.onChange((session, reason) => {
  if (reason === 'login') { me = null; return; }
  if (reason === 'refresh') return;
  me = null;
  if (reason === 'expired') notice = 'login.expired';
  if (parse().name !== 'login') {
    const next = reason === 'expired' ? location.hash : null;
    go('login', {}, { next });
  } else {
    render();
  }
});

onLangChange(() => render());
window.addEventListener('hashchange', render);
render();
