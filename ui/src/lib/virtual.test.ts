import { describe, expect, it } from 'vitest';
import { visibleRange } from './virtual';

describe('visible rows', () => {
  it('covers the viewport plus the overscan', () => {
    expect(visibleRange(0, 500, 50, 10_000, 2)).toEqual({ start: 0, end: 12 });
    expect(visibleRange(-5_000, 500, 50, 10_000, 2)).toEqual({ start: 98, end: 112 });
  });

  it('starts late when the list begins below the viewport top', () => {
    expect(visibleRange(300, 500, 50, 100, 0)).toEqual({ start: 0, end: 4 });
  });

  it('is empty when the list is out of view', () => {
    expect(visibleRange(600, 500, 50, 100)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(-10_000, 500, 50, 100)).toEqual({ start: 0, end: 0 });
  });

  it('stops at the last row', () => {
    expect(visibleRange(-4_800, 500, 50, 100, 2)).toEqual({ start: 94, end: 100 });
  });
});
