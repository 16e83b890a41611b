// The start page: the areas of responsibility, and the way to the agreements due.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { t, pick } from '../i18n.js';
import { href } from '../router.js';

export async function render(main, { current }) {
  document.title = t('app.title');
  const areas = await api.areas();
  if (!current()) return;
  replace(main,
    h('h1', { tabindex: '-1' }, t('areas.title')),
    h('p', {}, t('areas.intro')),
    h('ul', { class: 'cards', 'data-testid': 'area-list' },
      areas.map((a) => h('li', { class: 'card' },
        h('a', { href: href('area', { slug: a.slug }), 'data-testid': 'area-link', 'data-area': a.slug },
          h('span', { class: 'card-title' }, pick(a, 'name')))))),
    h('p', { class: 'more' }, h('a', { href: href('agreements'), 'data-testid': 'agreements-link' }, t('areas.agreementsLink'))));
}
