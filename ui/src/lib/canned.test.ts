import { describe, expect, it } from 'vitest';
import { insertCanned, matchCanned, slashQuery } from './canned';
import type { CannedReply } from './types';

const reply = (id: number, shortcut: string, title: string): CannedReply => ({
  id,
  shortcut,
  title,
  body: `${title} body`,
  updated_at: '2026-12-01T00:00:00Z',
});
const replies = [
  reply(1, 'thanks', 'Thank you and goodbye'),
  reply(2, 'refund', 'Refund policy'),
  reply(3, 'ship', 'Shipping times'),
  reply(4, 'hello', 'Greeting'),
];
const shortcuts = (q: string) => matchCanned(replies, q).map((m) => m.reply.shortcut);
const text = (s: { text: string; hit: boolean }[]) => s.map((x) => (x.hit ? `[${x.text}]` : x.text)).join('');

describe('slashQuery', () => {
  it('finds a slash at the start or after a space, up to the caret', () => {
    expect(slashQuery('/', 1)).toEqual({ start: 0, query: '' });
    expect(slashQuery('/ref', 4)).toEqual({ start: 0, query: 'ref' });
    expect(slashQuery('Sure! /ref', 10)).toEqual({ start: 6, query: 'ref' });
    expect(slashQuery('line\n/sh', 8)).toEqual({ start: 5, query: 'sh' });
    // The caret in the middle of the word: what is before it.
    expect(slashQuery('/refund', 3)).toEqual({ start: 0, query: 're' });
  });

  it('ignores slashes in words, paths, and a word already ended by a space', () => {
    expect(slashQuery('and/or', 6)).toBeNull();
    expect(slashQuery('see /usr/bin', 12)).toBeNull();
    expect(slashQuery('/ref ', 5)).toBeNull();
    expect(slashQuery('https://x', 9)).toBeNull();
    expect(slashQuery('', 0)).toBeNull();
  });
});

describe('matchCanned', () => {
  it('lists every reply by shortcut for a bare slash', () => {
    expect(shortcuts('')).toEqual(['hello', 'refund', 'ship', 'thanks']);
  });

  it('matches shortcut or title fuzzily, best first, case aside', () => {
    expect(shortcuts('ref')).toEqual(['refund']);
    expect(shortcuts('shp')).toEqual(['ship']);
    expect(shortcuts('GREET')).toEqual(['hello']);
    expect(shortcuts('policy')).toEqual(['refund']);
    expect(shortcuts('xyz')).toEqual([]);
    expect(shortcuts('h')[0]).toBe('hello');
  });

  it('marks the matched letters', () => {
    const [m] = matchCanned(replies, 'shp');
    expect(text(m.shortcut)).toBe('[sh]i[p]');
    const [g] = matchCanned(replies, 'greet');
    expect(text(g.shortcut)).toBe('hello');
    expect(text(g.title)).toBe('[Greet]ing');
  });

  it('lists at most the limit', () => {
    const many = Array.from({ length: 20 }, (_, i) => reply(i, `r${i}`, `Reply ${i}`));
    expect(matchCanned(many, '')).toHaveLength(8);
    expect(matchCanned(many, 'r')).toHaveLength(8);
  });
});

describe('insertCanned', () => {
  it('replaces the slash and its query and puts the caret after the text', () => {
    expect(insertCanned('Sure! /ref thanks', { start: 6, query: 'ref' }, 'Refunded.')).toEqual({
      text: 'Sure! Refunded. thanks',
      caret: 15,
    });
    expect(insertCanned('/', { start: 0, query: '' }, 'Hi')).toEqual({ text: 'Hi', caret: 2 });
  });
});
