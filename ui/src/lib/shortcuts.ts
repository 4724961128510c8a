// Keyboard shortcuts: one table for the handler and the help overlay.
import type { PlainMessageId } from './i18n.svelte';

export type Command =
  | 'next'
  | 'previous'
  | 'take'
  | 'takeNext'
  | 'free'
  | 'end'
  | 'spam'
  | 'transfer'
  | 'reopen'
  | 'search'
  | 'composer'
  | 'report'
  | 'team'
  | 'settings'
  | 'help';

export interface Shortcut {
  command: Command;
  /** Keys as shown in the help overlay. */
  keys: string[];
  /** What it does, as the overlay says it (a message, read when shown). */
  description: PlainMessageId;
}

export const SHORTCUTS: Shortcut[] = [
  { command: 'next', keys: ['j', 'Alt+↓'], description: 'shortcut-next' },
  { command: 'previous', keys: ['k', 'Alt+↑'], description: 'shortcut-previous' },
  { command: 'take', keys: ['t'], description: 'shortcut-take' },
  { command: 'takeNext', keys: ['n'], description: 'shortcut-take-next' },
  { command: 'free', keys: ['f'], description: 'shortcut-free' },
  { command: 'end', keys: ['e'], description: 'shortcut-end' },
  { command: 'spam', keys: ['s'], description: 'shortcut-spam' },
  { command: 'transfer', keys: ['x'], description: 'shortcut-transfer' },
  { command: 'reopen', keys: ['r'], description: 'shortcut-reopen' },
  { command: 'composer', keys: ['c'], description: 'shortcut-composer' },
  { command: 'search', keys: ['/', 'Ctrl+K'], description: 'shortcut-search' },
  { command: 'report', keys: ['Ctrl+Shift+R'], description: 'shortcut-report' },
  { command: 'team', keys: ['Ctrl+Shift+T'], description: 'shortcut-team' },
  { command: 'settings', keys: [','], description: 'shortcut-settings' },
  { command: 'help', keys: ['?'], description: 'shortcut-help' },
];

/** Keys that work in the composer and the dialogs rather than globally. */
export const LOCAL_KEYS: { keys: string[]; description: PlainMessageId }[] = [
  { keys: ['Enter', 'Ctrl+Enter'], description: 'shortcut-send' },
  { keys: ['Shift+Enter'], description: 'shortcut-new-line' },
  { keys: ['Esc'], description: 'shortcut-close' },
];

const SINGLE_KEYS: Record<string, Command> = {
  j: 'next',
  k: 'previous',
  t: 'take',
  n: 'takeNext',
  f: 'free',
  e: 'end',
  s: 'spam',
  x: 'transfer',
  r: 'reopen',
  c: 'composer',
  '/': 'search',
  ',': 'settings',
  '?': 'help',
};

/** Whether keys typed at `target` are text for it (inputs, text areas, selects, editable content). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('[contenteditable]:not([contenteditable="false"])')) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
}

/** The command a key press means, or null. Single keys never fire while typing. */
export function commandFor(e: KeyboardEvent): Command | null {
  if (e.isComposing || e.defaultPrevented) return null;
  const key = e.key;
  const ctrl = e.ctrlKey || e.metaKey;
  if (ctrl && !e.shiftKey && !e.altKey && key.toLowerCase() === 'k') return 'search';
  if (ctrl && e.shiftKey && !e.altKey && key.toLowerCase() === 'r') return 'report';
  if (ctrl && e.shiftKey && !e.altKey && key.toLowerCase() === 't') return 'team';
  if (e.altKey && !ctrl && !e.shiftKey && (key === 'ArrowDown' || key === 'ArrowUp')) {
    if (e.target instanceof HTMLSelectElement) return null;
    return key === 'ArrowDown' ? 'next' : 'previous';
  }
  if (ctrl || e.altKey || isTyping(e.target)) return null;
  return SINGLE_KEYS[key] ?? null;
}
