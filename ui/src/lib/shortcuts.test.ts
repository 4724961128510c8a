import { describe, expect, it } from 'vitest';
import { commandFor, SHORTCUTS } from './shortcuts';

function press(key: string, target: HTMLElement = document.body, init: KeyboardEventInit = {}) {
  let command: ReturnType<typeof commandFor> = null;
  const listener = (e: KeyboardEvent) => (command = commandFor(e));
  window.addEventListener('keydown', listener);
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }));
  window.removeEventListener('keydown', listener);
  return command;
}

function field(html: string): HTMLElement {
  document.body.innerHTML = html;
  return document.body.firstElementChild as HTMLElement;
}

describe('keyboard shortcuts', () => {
  it('maps the single keys', () => {
    document.body.innerHTML = '';
    expect(press('j')).toBe('next');
    expect(press('k')).toBe('previous');
    expect(press('t')).toBe('take');
    expect(press('f')).toBe('free');
    expect(press('e')).toBe('end');
    expect(press('s')).toBe('spam');
    expect(press('x')).toBe('transfer');
    expect(press('r')).toBe('reopen');
    expect(press('c')).toBe('composer');
    expect(press('/')).toBe('search');
    expect(press(',')).toBe('settings');
    expect(press('?', document.body, { shiftKey: true })).toBe('help');
    expect(press('q')).toBeNull();
  });

  it('maps the chords', () => {
    expect(press('k', document.body, { ctrlKey: true })).toBe('search');
    expect(press('R', document.body, { ctrlKey: true, shiftKey: true })).toBe('report');
    expect(press('ArrowDown', document.body, { altKey: true })).toBe('next');
    expect(press('ArrowUp', document.body, { altKey: true })).toBe('previous');
    expect(press('j', document.body, { ctrlKey: true })).toBeNull();
  });

  it('never fires a single key while typing', () => {
    for (const html of [
      '<input type="text">',
      '<input type="search">',
      '<input>',
      '<textarea></textarea>',
      '<select><option>a</option></select>',
      '<div contenteditable="true"></div>',
    ]) {
      const el = field(html);
      for (const key of ['j', 'k', 't', 'f', 'e', 's', 'r', 'c', '/', ',', '?']) {
        expect(press(key, el), `${key} in ${html}`).toBeNull();
      }
    }
  });

  it('still fires on buttons and checkboxes', () => {
    expect(press('j', field('<button>x</button>'))).toBe('next');
    expect(press('j', field('<input type="checkbox">'))).toBe('next');
  });

  it('lets the chords through while typing, except Alt+arrows in a select', () => {
    expect(press('k', field('<textarea></textarea>'), { ctrlKey: true })).toBe('search');
    expect(press('ArrowDown', field('<textarea></textarea>'), { altKey: true })).toBe('next');
    expect(press('ArrowDown', field('<select><option>a</option></select>'), { altKey: true })).toBeNull();
  });

  it('ignores keys that are part of an IME composition', () => {
    document.body.innerHTML = '';
    expect(press('j', document.body, { isComposing: true })).toBeNull();
  });

  it('documents every command', () => {
    const documented = new Set(SHORTCUTS.map((s) => s.command));
    for (const c of ['next', 'previous', 'take', 'free', 'end', 'spam', 'reopen', 'search', 'composer', 'report', 'settings', 'help']) {
      expect(documented.has(c as never), c).toBe(true);
    }
  });
});
