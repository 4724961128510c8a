// How times, durations and answers read on screen: numbers and dates by Intl
// in the chosen locale (formatLocale()), words from the catalog (format.ftl).
import { formatLocale, language, t, type PlainMessageId } from './i18n.svelte';
import type {
  Channel,
  ConversationSummary,
  Customer,
  Me,
  Mood,
  SubjectAnswer,
} from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * An Intl formatter for the locale dates and numbers follow now, made again
 * when that locale changes (undefined: the environment's default).
 */
function perLocale<F>(make: (locale: string | undefined) => F): () => F {
  let made: { locale: string | undefined; formatter: F } | undefined;
  return () => {
    const locale = formatLocale();
    if (!made || made.locale !== locale) made = { locale, formatter: make(locale) };
    return made.formatter;
  };
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const DAY_MONTH: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short' };
const DAY_MONTH_YEAR: Intl.DateTimeFormatOptions = { ...DAY_MONTH, year: 'numeric' };

const clockFormat = perLocale((l) => new Intl.DateTimeFormat(l, TIME));
const dayFormat = perLocale((l) => new Intl.DateTimeFormat(l, DAY_MONTH));
const fullDayFormat = perLocale((l) => new Intl.DateTimeFormat(l, DAY_MONTH_YEAR));
/** "12 Mar, 14:05" (as the locale joins a date and a time). */
const dayTimeFormat = perLocale((l) => new Intl.DateTimeFormat(l, { ...DAY_MONTH, ...TIME }));
/** "12 Mar 2026, 14:05". */
const fullDayTimeFormat = perLocale((l) => new Intl.DateTimeFormat(l, { ...DAY_MONTH_YEAR, ...TIME }));

const countFormat = perLocale((l) => new Intl.NumberFormat(l));
const percentFormat = perLocale((l) => new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 0 }));
const ratingFormat = perLocale(
  (l) => new Intl.NumberFormat(l, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
);

/** "4,200" (grouped as the user's locale groups digits). */
export function count(n: number): string {
  return countFormat().format(n);
}

function sameLocalDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  );
}

/** "14:05". */
export function clockTime(iso: string): string {
  return clockFormat().format(new Date(iso));
}

/** When a snooze ends: "14:30" today, "tomorrow 08:00", else "12 Mar, 08:00". */
export function snoozeEnd(iso: string, now: number): string {
  const end = new Date(iso);
  const today = new Date(now);
  const days = Math.round(
    (new Date(end.getFullYear(), end.getMonth(), end.getDate()).getTime() -
      new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime()) /
      86_400_000,
  );
  if (days === 0) return clockTime(iso);
  if (days === 1) return t('format-tomorrow-at', { time: clockTime(iso) });
  return dateTime(iso);
}

/** "12 Mar" this year, "12 Mar 2025" otherwise. */
export function shortDate(iso: string, now: number): string {
  const d = new Date(iso);
  return d.getFullYear() === new Date(now).getFullYear() ? dayFormat().format(d) : fullDayFormat().format(d);
}

/** "12 Mar 2026" from a calendar day as a date input holds it ("2026-03-12"); the day itself when it is not one. */
export function calendarDay(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  // The day as the agent's calendar has it: local midnight, not UTC's.
  return fullDayFormat().format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** "12 Mar 2026, 14:05": a close date and time. */
export function dateTime(iso: string): string {
  return fullDayTimeFormat().format(new Date(iso));
}

/** A list row's time: "now", "5 min", "14:05" today, a date before. */
export function rowTime(iso: string | null, now: number): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  const age = now - at;
  if (age < MINUTE) return t('format-now');
  if (age < HOUR) return t('format-minutes', { count: Math.floor(age / MINUTE) });
  if (sameLocalDay(new Date(at), new Date(now))) return clockTime(iso);
  return shortDate(iso, now);
}

/** A history line's time: "14:05" today, "12 Mar, 14:05" before. */
export function messageTime(iso: string, now: number): string {
  const d = new Date(iso);
  if (sameLocalDay(d, new Date(now))) return clockTime(iso);
  return d.getFullYear() === new Date(now).getFullYear() ? dayTimeFormat().format(d) : fullDayTimeFormat().format(d);
}

/** A wait in whole minutes, hours or days: "3 min", "1 h 5 min", "2 d 3 h". */
export function elapsed(ms: number): string {
  if (ms < MINUTE) return t('format-under-a-minute');
  if (ms < HOUR) return t('format-minutes', { count: Math.floor(ms / MINUTE) });
  if (ms < DAY) {
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return minutes ? t('format-hours-minutes', { hours, minutes }) : t('format-hours', { count: hours });
  }
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  return hours ? t('format-days-hours', { days, hours }) : t('format-days', { count: days });
}

/** "waiting 3 min". */
export function waiting(since: string, now: number): string {
  return t('format-waiting', { time: elapsed(Math.max(0, now - Date.parse(since))) });
}

/** A report duration to the second: "3 min 30 s", "45 s", "1 h 2 min"; null: "—". */
export function duration(ms: number | null): string {
  if (ms == null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return t('format-seconds', { count: s });
  if (s < 3600) {
    const minutes = Math.floor(s / 60);
    const seconds = s % 60;
    return seconds ? t('format-minutes-seconds', { minutes, seconds }) : t('format-minutes', { count: minutes });
  }
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return minutes ? t('format-hours-minutes', { hours, minutes }) : t('format-hours', { count: hours });
}

/** The customer's email, or phone, or nothing. */
export function contact(customer: Customer): string {
  return customer.email ?? customer.phone ?? '';
}

export function channelLabel(channel: Channel | undefined): string {
  return channel === 'sms' ? t('format-channel-sms') : t('format-channel-web');
}

let languageNames: { in: string; names: Intl.DisplayNames } | undefined;

/**
 * A language's name in the app's language ("French" in English, "français" in
 * French) for a tag the server keeps (`fr`); the tag itself if Intl has no
 * name for it.
 */
export function languageName(tag: string): string {
  const shown = language();
  if (languageNames?.in !== shown) {
    languageNames = { in: shown, names: new Intl.DisplayNames([shown], { type: 'language', fallback: 'code' }) };
  }
  try {
    return languageNames.names.of(tag) ?? tag;
  } catch {
    return tag; // not a tag Intl reads
  }
}

/** Where the conversation stands, from this agent's point of view. */
export function stateLabel(c: ConversationSummary, me: Me): string {
  switch (c.state) {
    case 'not_assigned':
      return t('format-state-not-assigned');
    case 'occupied':
      if (c.occupant?.id === me.id) return t('format-state-occupied-by-you');
      return c.occupant
        ? t('format-state-occupied-by', { name: c.occupant.name })
        : t('format-state-occupied-by-someone');
    case 'archived':
      return t('format-state-closed');
    case 'spam':
      return t('format-state-spam');
  }
}

export const MOODS: Exclude<Mood, 'dont_know'>[] = ['happy', 'neutral', 'unhappy', 'angry'];

const MOOD_NAMES: Record<Mood, PlainMessageId> = {
  happy: 'format-mood-happy',
  neutral: 'format-mood-neutral',
  unhappy: 'format-mood-unhappy',
  angry: 'format-mood-angry',
  dont_know: 'format-dont-know',
};

export function moodLabel(mood: Mood): string {
  return t(MOOD_NAMES[mood]);
}

export function subjectLabel(subject: SubjectAnswer | string | null): string {
  if (subject === null || subject === 'dont_know') return t('format-dont-know');
  return typeof subject === 'string' ? subject : subject.known;
}

/** 0.75 → "75%" ("75 %" in French); null → "—". */
export function percent(rate: number | null): string {
  return rate == null ? '—' : percentFormat().format(Math.round(rate * 100) / 100);
}

/** 4.256 → "4.3" ("4,3" in French); null → "—". */
export function rating(avg: number | null): string {
  return avg == null ? '—' : ratingFormat().format(Number(avg.toFixed(1)));
}

/** A file's size for people: 912 bytes, 48 KB, 2.4 MB. */
export function fileSize(n: number): string {
  if (n < 1024) return t('format-bytes', { count: n });
  if (n < 1024 * 1024) return t('format-kilobytes', { count: Math.round(n / 1024) });
  return t('format-megabytes', { count: Number((n / (1024 * 1024)).toFixed(1)) });
}

/** Private-use characters that stand in a message for values shown apart (in bold, in monospace). */
const SLOTS = '\uE000\uE001\uE002\uE003';

/** What to pass to t() for the `i`th value shown apart; see `slots`. */
export function slot(i: number): string {
  return SLOTS[i];
}

/**
 * A message (formatted with `slot(i)` for its variables) cut into its text and
 * those values, in the message's order: `value` is the index into `values` of
 * a value's piece, null for the message's own text.
 */
export function slots(message: string, values: string[]): { text: string; value: number | null }[] {
  const pieces: { text: string; value: number | null }[] = [];
  let from = 0;
  for (let i = 0; i < message.length; i++) {
    const k = SLOTS.indexOf(message[i]);
    if (k < 0) continue;
    if (i > from) pieces.push({ text: message.slice(from, i), value: null });
    pieces.push({ text: values[k] ?? '', value: k });
    from = i + 1;
  }
  if (from < message.length) pieces.push({ text: message.slice(from), value: null });
  return pieces;
}
