// Keyboard shortcuts: one table for the handler and the help overlay.

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
  description: string;
}

export const SHORTCUTS: Shortcut[] = [
  { command: 'next', keys: ['j', 'Alt+↓'], description: 'Next conversation' },
  { command: 'previous', keys: ['k', 'Alt+↑'], description: 'Previous conversation' },
  { command: 'take', keys: ['t'], description: 'Take the conversation' },
  { command: 'takeNext', keys: ['n'], description: 'Take next: the customer who has waited longest' },
  { command: 'free', keys: ['f'], description: 'Free conversation' },
  { command: 'end', keys: ['e'], description: 'End conversation (opens the questionnaire)' },
  { command: 'spam', keys: ['s'], description: 'Spam (asks to confirm)' },
  { command: 'transfer', keys: ['x'], description: 'Transfer to a colleague' },
  { command: 'reopen', keys: ['r'], description: 'Reopen an archived conversation' },
  { command: 'composer', keys: ['c'], description: 'Write a reply' },
  { command: 'search', keys: ['/', 'Ctrl+K'], description: 'Search all conversations' },
  { command: 'report', keys: ['Ctrl+Shift+R'], description: 'Chat report (again: back to conversations)' },
  { command: 'team', keys: ['Ctrl+Shift+T'], description: 'Team: who is available, their load, blocked customers (supervisors)' },
  { command: 'settings', keys: [','], description: 'Settings' },
  { command: 'help', keys: ['?'], description: 'Keyboard shortcuts' },
];

/** Keys that work in the composer and the dialogs rather than globally. */
export const LOCAL_KEYS: { keys: string[]; description: string }[] = [
  { keys: ['Enter', 'Ctrl+Enter'], description: 'Send the reply (in the composer)' },
  { keys: ['Shift+Enter'], description: 'New line (in the composer)' },
  { keys: ['Esc'], description: 'Close a dialog, menu or this overlay; clear the search' },
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
