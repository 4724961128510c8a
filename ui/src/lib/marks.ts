// Search matches over text that is also split into links: both come as pieces
// of the same string, and neither is ever written into it.
import type { TextPart } from './links';
import type { Segment } from './types';

export interface Piece {
  text: string;
  hit: boolean;
}

export type MarkedPart = TextPart & { pieces: Piece[] };

/** The [start, end) offsets of the hit segments, or null when the segments do not spell `text`. */
function hitRanges(text: string, segments: Segment[]): [number, number][] | null {
  if (segments.map((s) => s.text).join('') !== text) return null;
  const ranges: [number, number][] = [];
  let at = 0;
  for (const s of segments) {
    if (s.hit) ranges.push([at, at + s.text.length]);
    at += s.text.length;
  }
  return ranges;
}

/** Splits each part of `text` into pieces inside and outside the hits of `segments`. */
export function withMarks(text: string, parts: TextPart[], segments: Segment[] | null | undefined): MarkedPart[] {
  const ranges = segments ? hitRanges(text, segments) : null;
  let at = 0;
  return parts.map((part) => {
    const start = at;
    const end = at + part.text.length;
    at = end;
    const pieces: Piece[] = [];
    let cursor = start;
    for (const [a, b] of ranges ?? []) {
      const from = Math.max(a, start);
      const to = Math.min(b, end);
      if (from >= to) continue;
      if (from > cursor) pieces.push({ text: text.slice(cursor, from), hit: false });
      pieces.push({ text: text.slice(from, to), hit: true });
      cursor = to;
    }
    if (cursor < end) pieces.push({ text: text.slice(cursor, end), hit: false });
    return { ...part, pieces };
  });
}
