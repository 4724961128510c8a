// @vitest-environment node
/// <reference types="node" />
// The theme's colour pairs stay readable (WCAG AA, 4.5:1) in light and dark, the
// focus ring stands out on every background it can surround (3:1, WCAG 1.4.11),
// the queue stays yellow and unanswered text red.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('./app.css', import.meta.url), 'utf8');

function block(source: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const m of source.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) vars[m[1]] = m[2];
  return vars;
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const light = block(css.slice(0, darkStart));
const dark = { ...light, ...block(css.slice(darkStart, css.indexOf('\n}\n', darkStart))) };

function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function hue(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => c / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

const PAIRS: [string, string][] = [
  ['fg', 'bg'],
  ['fg', 'surface'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['muted', 'selected-bg'],
  ['red', 'bg'],
  ['red', 'surface'],
  ['red', 'selected-bg'],
  ['red', 'red-bg'],
  ['accent', 'bg'],
  ['accent-fg', 'accent'],
  ['queue-fg', 'queue-bg'],
  ['queue-muted', 'queue-bg'],
  ['queue-red', 'queue-bg'],
  ['queue-fg', 'queue-selected-bg'],
  ['queue-red', 'queue-selected-bg'],
  ['hit-fg', 'hit-bg'],
  ['note-fg', 'note-bg'],
  ['note-label', 'note-bg'],
  ['note-label', 'bg'],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('%s theme', (_, theme) => {
  it.each(PAIRS)('%s on %s is readable', (fg, bg) => {
    expect(theme[fg], fg).toBeDefined();
    expect(theme[bg], bg).toBeDefined();
    expect(contrast(theme[fg], theme[bg])).toBeGreaterThanOrEqual(4.5);
  });

  // `:focus-visible` draws a 3px outline in --focus around whatever has the focus.
  // A queue row (yellow) draws it in --queue-focus.
  it.each([
    ['focus', 'bg'],
    ['focus', 'surface'],
    ['focus', 'selected-bg'],
    ['focus', 'note-bg'],
    ['queue-focus', 'queue-bg'],
    ['queue-focus', 'queue-selected-bg'],
  ])('the focus ring (%s) stands out on %s', (ring, bg) => {
    expect(theme[ring], ring).toBeDefined();
    expect(theme[bg], bg).toBeDefined();
    expect(contrast(theme[ring], theme[bg])).toBeGreaterThanOrEqual(3);
  });

  it('keeps the queue yellow and unanswered text red', () => {
    for (const name of ['queue-bg', 'queue-selected-bg']) {
      const h = hue(theme[name]);
      expect(h, name).toBeGreaterThanOrEqual(40);
      expect(h, name).toBeLessThanOrEqual(60);
    }
    for (const name of ['red', 'queue-red']) {
      const h = hue(theme[name]);
      expect(h < 10 || h > 345, `${name} hue ${h}`).toBe(true);
    }
  });
});

it('has a dark theme that differs from the light one', () => {
  expect(dark.bg).not.toBe(light.bg);
  expect(dark.red).not.toBe(light.red);
});
