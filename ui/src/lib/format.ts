// How times, durations and answers read on screen.
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

const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDayFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

const countFormat = new Intl.NumberFormat();

/** "4,200" (grouped as the user's locale groups digits). */
export function count(n: number): string {
  return countFormat.format(n);
}

function sameLocalDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
  );
}

/** "14:05". */
export function clockTime(iso: string): string {
  return clockFormat.format(new Date(iso));
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
  if (days === 1) return `tomorrow ${clockTime(iso)}`;
  return dateTime(iso);
}

/** "12 Mar" this year, "12 Mar 2025" otherwise. */
export function shortDate(iso: string, now: number): string {
  const d = new Date(iso);
  return d.getFullYear() === new Date(now).getFullYear() ? dayFormat.format(d) : fullDayFormat.format(d);
}

/** "12 Mar 2026, 14:05": a close date and time. */
export function dateTime(iso: string): string {
  return `${fullDayFormat.format(new Date(iso))}, ${clockTime(iso)}`;
}

/** A list row's time: "now", "5 min", "14:05" today, a date before. */
export function rowTime(iso: string | null, now: number): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  const age = now - t;
  if (age < MINUTE) return 'now';
  if (age < HOUR) return `${Math.floor(age / MINUTE)} min`;
  if (sameLocalDay(new Date(t), new Date(now))) return clockTime(iso);
  return shortDate(iso, now);
}

/** A history line's time: "14:05" today, "12 Mar, 14:05" before. */
export function messageTime(iso: string, now: number): string {
  if (sameLocalDay(new Date(iso), new Date(now))) return clockTime(iso);
  return `${shortDate(iso, now)}, ${clockTime(iso)}`;
}

/** A wait in whole minutes, hours or days: "3 min", "1 h 5 min", "2 d 3 h". */
export function elapsed(ms: number): string {
  if (ms < MINUTE) return 'under a minute';
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / MINUTE);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** "waiting 3 min". */
export function waiting(since: string, now: number): string {
  return `waiting ${elapsed(Math.max(0, now - Date.parse(since)))}`;
}

/** A report duration to the second: "3 min 30 s", "45 s", "1 h 2 min"; null: "—". */
export function duration(ms: number | null): string {
  if (ms == null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${Math.floor(s / 60)} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** The customer's email, or phone, or nothing. */
export function contact(customer: Customer): string {
  return customer.email ?? customer.phone ?? '';
}

export function channelLabel(channel: Channel | undefined): string {
  return channel === 'sms' ? 'Text messages' : 'Web chat';
}

/** Where the conversation stands, from this agent's point of view. */
export function stateLabel(c: ConversationSummary, me: Me): string {
  switch (c.state) {
    case 'not_assigned':
      return 'Not assigned';
    case 'occupied':
      return c.occupant?.id === me.id ? 'Occupied by you' : `Occupied by ${c.occupant?.name ?? 'another agent'}`;
    case 'archived':
      return 'Closed';
    case 'spam':
      return 'Reported as spam';
  }
}

export const MOODS: Exclude<Mood, 'dont_know'>[] = ['happy', 'neutral', 'unhappy', 'angry'];

export function moodLabel(mood: Mood): string {
  switch (mood) {
    case 'happy':
      return 'Happy';
    case 'neutral':
      return 'Neutral';
    case 'unhappy':
      return 'Unhappy';
    case 'angry':
      return 'Angry';
    case 'dont_know':
      return "I don't know";
  }
}

export function subjectLabel(subject: SubjectAnswer | string | null): string {
  if (subject === null || subject === 'dont_know') return "I don't know";
  return typeof subject === 'string' ? subject : subject.known;
}

/** 0.75 → "75%"; null → "—". */
export function percent(rate: number | null): string {
  return rate == null ? '—' : `${Math.round(rate * 100)}%`;
}

/** 4.256 → "4.3"; null → "—". */
export function rating(avg: number | null): string {
  return avg == null ? '—' : avg.toFixed(1);
}

/** A file's size for people: 912 bytes, 48 KB, 2.4 MB. */
export function fileSize(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}
