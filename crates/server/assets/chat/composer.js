// @ts-check
/*
 * The message box: Enter sends, Shift+Enter makes a new line, and near the
 * server's limit a count of characters shows.
 */

import { MAX_MESSAGE_CHARS } from './config.js';
import { els } from './dom.js';
import { put } from './i18n.js';

// The count shows from 90% of the limit on.
const SHOW_COUNT_FROM = Math.floor(MAX_MESSAGE_CHARS * 0.9);

/**
 * Characters as the server counts them (Unicode scalar values, not UTF-16 units).
 * @param {string} s
 */
function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

export function updateCount() {
  const v = els.message.value;
  if (v.length <= SHOW_COUNT_FROM) {
    els.count.hidden = true;
    return;
  }
  const n = codePoints(v);
  if (n <= SHOW_COUNT_FROM) {
    els.count.hidden = true;
    return;
  }
  els.count.hidden = false;
  put(els.count, { id: 'chat-count', args: { count: n, max: MAX_MESSAGE_CHARS } });
  els.count.classList.toggle('over', n > MAX_MESSAGE_CHARS);
}

/**
 * Takes a sent text out of the box, unless the customer kept typing meanwhile
 * (then only the sent part goes).
 * @param {string} text
 */
export function takeSent(text) {
  const now = els.message.value;
  if (now === text) els.message.value = '';
  else if (now.startsWith(text)) els.message.value = now.slice(text.length).replace(/^\r?\n/, '');
  updateCount();
}

/**
 * Enter sends; Shift+Enter (or Alt+Enter) makes a new line; nothing while an
 * input method is composing.
 * @param {() => void} send
 */
export function watchComposer(send) {
  els.composer.addEventListener('submit', (ev) => {
    ev.preventDefault();
    send();
  });
  els.message.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    if (ev.shiftKey || ev.altKey) return; // Shift+Enter: new line
    if (ev.isComposing || ev.keyCode === 229) return; // IME is composing (CJK input)
    ev.preventDefault();
    send();
  });
  els.message.addEventListener('input', updateCount);
}
