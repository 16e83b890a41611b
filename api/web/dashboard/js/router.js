// Hash routes (the API serves every file at its own exact path, so the page itself is always
// "/" and the view is in the fragment):
//   #/                                  the areas
//   #/login?next=…                      the login form
//   #/area/{slug}?principal=…           driver diagram and signals grid
//   #/measure/{slug}?principal=…        one principal's chart (none: the county)
//   #/measure/{slug}/principals         the 14 principals as small multiples
//   #/agreements                        follow-ups and notice in the next 90 days
const ROUTES = [
  ['areas', /^\/?$/],
  ['login', /^\/login$/],
  ['area', /^\/area\/([^/]+)$/, ['slug']],
  ['measure', /^\/measure\/([^/]+)$/, ['slug']],
  ['multiples', /^\/measure\/([^/]+)\/principals$/, ['slug']],
  ['agreements', /^\/agreements$/],
];

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#/, '');
  const [path, qs = ''] = raw.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs));
  for (const [name, re, keys = []] of ROUTES) {
    const m = re.exec(path || '/');
    if (m) return { name, params: Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(m[i + 1])])), query, hash: `#${raw}` };
  }
  return { name: 'notFound', params: {}, query, hash: `#${raw}` };
}

export function href(name, params = {}, query = {}) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== '')).toString();
  const e = encodeURIComponent;
  const path = {
    areas: '/', login: '/login', agreements: '/agreements',
    area: `/area/${e(params.slug)}`, measure: `/measure/${e(params.slug)}`, multiples: `/measure/${e(params.slug)}/principals`,
  }[name];
  return `#${path}${q ? `?${q}` : ''}`;
}

export function go(name, params, query) {
  location.hash = href(name, params, query);
}
