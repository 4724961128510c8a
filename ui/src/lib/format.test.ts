import { afterEach, describe, expect, it } from 'vitest';
import {
  calendarDay,
  count,
  dateTime,
  duration,
  elapsed,
  fileSize,
  moodLabel,
  percent,
  rating,
  rowTime,
  slot,
  slots,
  snoozeEnd,
  waiting,
} from './format';
import { setLanguage } from './i18n.svelte';

const at = (iso: string) => Date.parse(iso);

describe('row times', () => {
  const now = new Date(2026, 2, 12, 15, 0).getTime();

  it('says how many minutes ago within the hour', () => {
    expect(rowTime(new Date(now - 30_000).toISOString(), now)).toBe('now');
    expect(rowTime(new Date(now - 5 * 60_000).toISOString(), now)).toBe('5 min');
  });

  it('shows the clock time earlier today and a date before today', () => {
    expect(rowTime(new Date(2026, 2, 12, 9, 7).toISOString(), now)).toBe('09:07');
    const older = rowTime(new Date(2026, 2, 10, 9, 7).toISOString(), now);
    expect(older).toMatch(/10/);
    expect(older).not.toMatch(/09:07/);
  });
});

describe('snooze end', () => {
  it('reads as a time today, tomorrow with its time, or a date', () => {
    const now = new Date(2026, 11, 31, 21, 10).getTime();
    expect(snoozeEnd(new Date(2026, 11, 31, 21, 40).toISOString(), now)).toBe('21:40');
    expect(snoozeEnd(new Date(2027, 0, 1, 8, 0).toISOString(), now)).toBe('tomorrow 08:00');
    expect(snoozeEnd(new Date(2027, 0, 3, 8, 0).toISOString(), now)).toMatch(/3.*08:00/);
  });
});

describe('waiting time', () => {
  it('reads as minutes, hours and days', () => {
    const since = '2026-03-12T10:00:00Z';
    expect(waiting(since, at('2026-03-12T10:03:20Z'))).toBe('waiting 3 min');
    expect(waiting(since, at('2026-03-12T10:00:20Z'))).toBe('waiting under a minute');
    expect(waiting(since, at('2026-03-12T11:05:00Z'))).toBe('waiting 1 h 5 min');
    expect(waiting(since, at('2026-03-14T13:00:00Z'))).toBe('waiting 2 d 3 h');
  });

  it('never goes negative when the clocks disagree', () => {
    expect(waiting('2026-03-12T10:00:00Z', at('2026-03-12T09:59:00Z'))).toBe('waiting under a minute');
  });

  it('drops a zero remainder', () => {
    expect(elapsed(2 * 3_600_000)).toBe('2 h');
  });
});

describe('report durations', () => {
  it('reads to the second', () => {
    expect(duration(210_000)).toBe('3 min 30 s');
    expect(duration(45_000)).toBe('45 s');
    expect(duration(180_000)).toBe('3 min');
    expect(duration(3_720_000)).toBe('1 h 2 min');
    expect(duration(null)).toBe('—');
  });
});

describe('in French', () => {
  afterEach(() => setLanguage('en'));

  it('writes dates and numbers as France does, and the words in French', () => {
    setLanguage('fr', 'fr-FR');
    expect(count(1234)).toBe('1\u202f234');
    expect(dateTime(new Date(2026, 2, 10, 9, 7).toISOString())).toBe('10 mars 2026, 09:07');
    // A report's days, as the date inputs hold them: the agent's calendar day.
    expect(calendarDay('2026-03-01')).toBe('1 mars 2026');
    expect(calendarDay('not a day')).toBe('not a day');
    expect(percent(0.75)).toMatch(/^75\s%$/);
    expect(rating(4.333)).toBe('4,3');
    const now = new Date(2026, 11, 31, 21, 10).getTime();
    expect(rowTime(new Date(now - 30_000).toISOString(), now)).toBe("à l'instant");
    expect(snoozeEnd(new Date(2027, 0, 1, 8, 0).toISOString(), now)).toBe('demain à 08:00');
    expect(waiting('2026-03-12T10:00:00Z', at('2026-03-14T13:00:00Z'))).toBe('en attente depuis 2 j 3 h');
    expect(duration(210_000)).toBe('3 min 30 s');
    expect(fileSize(1)).toBe('1 octet');
    expect(fileSize(2.4 * 1024 * 1024)).toBe('2,4 Mo');
    expect(moodLabel('dont_know')).toBe('Je ne sais pas');
  });

  it('makes its formatters again when the language changes', () => {
    setLanguage('fr', 'fr-FR');
    expect(count(1234)).toBe('1\u202f234');
    setLanguage('en');
    expect(count(1234)).toBe('1,234');
    expect(percent(0.75)).toBe('75%');
    expect(rating(4)).toBe('4.0');
    expect(fileSize(1)).toBe('1 byte');
    expect(fileSize(2 * 1024 * 1024)).toBe('2 MB');
  });
});

describe('values shown apart in a message', () => {
  it('cuts the message at the slots, in the message\'s order', () => {
    const message = `${slot(1)} waits since ${slot(0)}.`;
    expect(slots(message, ['3 min', 'Maria'])).toEqual([
      { text: 'Maria', value: 1 },
      { text: ' waits since ', value: null },
      { text: '3 min', value: 0 },
      { text: '.', value: null },
    ]);
  });
});
