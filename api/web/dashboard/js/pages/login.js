// The login form: username and password to the token endpoint (password grant).
import * as auth from '../auth.js';
import { h, replace } from '../dom.js';
import { errorBox } from '../errors.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

export async function render(main, { route, notice }) {
  document.title = `${t('login.title')} – ${t('app.title')}`;
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' },
    notice ? h('p', { class: 'notice', role: 'status', 'data-testid': 'login-notice' }, t(notice)) : null);
  const username = h('input', { id: 'username', name: 'username', type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false', autofocus: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', 'data-testid': 'login-submit' }, t('login.submit'));
  const form = h('form', { class: 'login', 'data-testid': 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('div', { class: 'field' }, h('label', { for: 'username' }, t('login.username')), username),
    h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), password),
    submit, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!username.value.trim() || !password.value) {
      replace(status, h('p', { class: 'error', role: 'alert', 'data-testid': 'error' }, t('login.missing')));
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      await auth.login(username.value.trim(), password.value);
      password.value = '';
      location.hash = route.query.next && route.query.next.startsWith('#/') && !route.query.next.startsWith('#/login') ? route.query.next : href('areas');
    } catch (e) {
      submit.disabled = false;
      submit.textContent = t('login.submit');
      password.value = '';
      replace(status, errorBox(e));
      password.focus();
    }
  });
  replace(main,
    h('section', { class: 'login-page' },
      h('h1', { id: 'login-title', tabindex: '-1' }, t('login.title')),
      h('p', {}, t('login.intro')),
      form));
  username.focus();
}
