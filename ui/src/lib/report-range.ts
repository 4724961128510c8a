// The chat report's date range: whole local days, as instants.

/** "2026-03-12" for the local calendar day of `d`. */
export function localDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The last seven days, today included. */
export function defaultRange(today = new Date()): { start: string; end: string } {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6);
  return { start: localDate(start), end: localDate(today) };
}

function parseDay(day: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? [Number(m[1]), Number(m[2]) - 1, Number(m[3])] : null;
}

/** RFC 3339 with the local offset of that instant, e.g. `2026-03-29T00:00:00+01:00`. */
export function rfc3339Local(d: Date): string {
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(offset / 60)}:${pad(offset % 60)}`
  );
}

/**
 * From local midnight of `start` to local midnight of the day after `end` (the
 * server's `to` is exclusive). Null when a date is missing or the range is backwards.
 */
export function rangeInstants(start: string, end: string): { from: string; to: string } | null {
  const s = parseDay(start);
  const e = parseDay(end);
  if (!s || !e) return null;
  const from = new Date(s[0], s[1], s[2]);
  const to = new Date(e[0], e[1], e[2] + 1);
  if (to <= from) return null;
  return { from: rfc3339Local(from), to: rfc3339Local(to) };
}
