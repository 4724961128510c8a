import { describe, expect, it } from 'vitest';
import { splitLinks } from './links';
import { withMarks } from './marks';

const flat = (text: string, marks: { text: string; hit: boolean }[] | null) =>
  withMarks(text, splitLinks(text), marks).map((p) => ({
    url: p.url,
    pieces: p.pieces.map((x) => (x.hit ? `[${x.text}]` : x.text)).join(''),
  }));

describe('withMarks', () => {
  it('marks hits inside and across links and plain text', () => {
    const text = 'track https://example.com/parcel now, parcel';
    const marks = [
      { text: 'track https://example.com/', hit: false },
      { text: 'parcel', hit: true },
      { text: ' now, ', hit: false },
      { text: 'parcel', hit: true },
    ];
    expect(flat(text, marks)).toEqual([
      { url: null, pieces: 'track ' },
      { url: 'https://example.com/parcel', pieces: 'https://example.com/[parcel]' },
      { url: null, pieces: ' now, [parcel]' },
    ]);
  });

  it('never changes the text, and ignores marks that do not spell it', () => {
    const text = '\uE000fake\uE001 parcel';
    expect(flat(text, [{ text, hit: false }])).toEqual([{ url: null, pieces: text }]);
    expect(flat(text, [{ text: 'other', hit: true }])).toEqual([{ url: null, pieces: text }]);
    expect(flat(text, null)).toEqual([{ url: null, pieces: text }]);
  });
});
