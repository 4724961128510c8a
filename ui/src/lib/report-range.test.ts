/// <reference types="node" />
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRange, rangeInstants } from './report-range';

describe('report range', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('runs from local midnight to the local midnight after the end day', () => {
    process.env.TZ = 'Europe/Paris';
    expect(rangeInstants('2026-01-05', '2026-01-11')).toEqual({
      from: '2026-01-05T00:00:00+01:00',
      to: '2026-01-12T00:00:00+01:00',
    });
  });

  it('follows a daylight-saving change within the range', () => {
    process.env.TZ = 'Europe/Paris';
    const r = rangeInstants('2026-03-29', '2026-03-29');
    expect(r).toEqual({ from: '2026-03-29T00:00:00+01:00', to: '2026-03-30T00:00:00+02:00' });
    expect(Date.parse(r!.to) - Date.parse(r!.from)).toBe(23 * 3_600_000);
  });

  it('works west of Greenwich too', () => {
    process.env.TZ = 'America/New_York';
    expect(rangeInstants('2026-11-01', '2026-11-01')).toEqual({
      from: '2026-11-01T00:00:00-04:00',
      to: '2026-11-02T00:00:00-05:00',
    });
  });

  it('refuses a backwards or missing range', () => {
    expect(rangeInstants('2026-03-10', '2026-03-09')).toBeNull();
    expect(rangeInstants('', '2026-03-09')).toBeNull();
  });

  it('defaults to the last seven days, today included', () => {
    expect(defaultRange(new Date(2026, 2, 12, 15))).toEqual({ start: '2026-03-06', end: '2026-03-12' });
  });
});
