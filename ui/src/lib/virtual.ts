// Which rows of a fixed-row-height list are on screen.

/**
 * Rows [start, end) to render for a list whose top is `listTop` pixels below the
 * viewport's top (negative once scrolled past), with `overscan` rows either side.
 */
export function visibleRange(
  listTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 4,
): { start: number; end: number } {
  const top = Math.max(0, -listTop);
  const bottom = viewport - listTop;
  if (bottom <= 0 || count === 0) return { start: 0, end: 0 };
  const start = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil(bottom / rowHeight) + overscan);
  return start < end ? { start, end } : { start: 0, end: 0 };
}
