// The API's period texts as the Date (UTC) they start on: year "2025", half "2025H1",
// tertial "2025T2", quarter "2025Q3", month "2025-03", ISO week "2025-W09"; a plain date
// "2025-03-14" too. null for anything else.
export function periodStart(text) {
  if (typeof text !== 'string') return null;
  let m;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text))) return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if ((m = /^(\d{4})-(\d{2})$/.exec(text))) return new Date(Date.UTC(+m[1], +m[2] - 1, 1));
  if ((m = /^(\d{4})Q([1-4])$/.exec(text))) return new Date(Date.UTC(+m[1], (+m[2] - 1) * 3, 1));
  if ((m = /^(\d{4})T([1-3])$/.exec(text))) return new Date(Date.UTC(+m[1], (+m[2] - 1) * 4, 1));
  if ((m = /^(\d{4})H([1-2])$/.exec(text))) return new Date(Date.UTC(+m[1], (+m[2] - 1) * 6, 1));
  if ((m = /^(\d{4})-W(\d{2})$/.exec(text))) {
    // ISO week 1 holds 4 January; weeks start on Monday.
    const jan4 = new Date(Date.UTC(+m[1], 0, 4));
    const monday = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86400000);
    return new Date(monday.getTime() + (+m[2] - 1) * 7 * 86400000);
  }
  if ((m = /^(\d{4})$/.exec(text))) return new Date(Date.UTC(+m[1], 0, 1));
  return null;
}

// Today plus n days as YYYY-MM-DD (UTC, as the API's dates).
export function isoDaysFromToday(n) {
  return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}
