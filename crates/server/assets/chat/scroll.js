// @ts-check
/*
 * The conversation's scrolling: it follows new lines while the customer is at
 * the bottom; otherwise a "New messages" button offers the way down.
 */

import { els } from './dom.js';

let stick = true; // the message list is scrolled to the bottom

/** Whether the list sticks to the bottom (it was there at the last scroll). */
export function sticking() {
  return stick;
}

/** A fresh conversation starts at the bottom. */
export function resetScroll() {
  stick = true;
}

export function atBottom() {
  const s = els.scroller;
  return s.scrollHeight - s.scrollTop - s.clientHeight <= 48;
}

/** @param {boolean} smooth */
export function scrollToBottom(smooth) {
  const s = els.scroller;
  const reduce =
    window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  if (smooth && !reduce && typeof s.scrollTo === 'function') {
    s.scrollTo({ top: s.scrollHeight, behavior: 'smooth' });
  } else {
    s.scrollTop = s.scrollHeight;
  }
  stick = true;
  els.jump.hidden = true;
}

/** Follows the customer's scrolling, the jump button, and size changes. */
export function watchScrolling() {
  els.scroller.addEventListener(
    'scroll',
    () => {
      stick = atBottom();
      if (stick) els.jump.hidden = true;
    },
    { passive: true }
  );
  els.jump.addEventListener('click', () => scrollToBottom(true));
  if (typeof ResizeObserver === 'function') {
    // Keyboard opening, window resizing, survey appearing: stay at the bottom if we were.
    const ro = new ResizeObserver(() => {
      if (stick && !els.chatScreen.hidden) els.scroller.scrollTop = els.scroller.scrollHeight;
    });
    ro.observe(els.scroller);
    ro.observe(els.log);
  }
}
