// @ts-check
/*
 * What the customer's lines and files share on their way: a client-made id
 * for each, which failures pass (no answer, a server fault, a rate limit), and
 * the wait before trying again, longer each time and cut short when the
 * browser comes back online.
 */

import { RequestError } from './api.js';

export const FIRST_RETRY_MS = 1000;
export const LAST_RETRY_MS = 30000;

/** A random (version 4) UUID, also where `crypto.randomUUID` is missing (plain HTTP). */
export function newClientId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Whether a failure passes: no answer, a server fault, a rate limit.
 * @param {unknown} err
 */
export function passing(err) {
  return (
    err instanceof RequestError &&
    (err.status === 0 || err.status === 429 || err.status >= 500 || err.code === 'try_again')
  );
}

/** @type {Set<() => void>} the waits that end at once when the browser is back online */
const waiting = new Set();

/**
 * Waits `ms` (give or take a fifth, so many pages do not retry in step), or
 * until woken (back online, or the conversation let go).
 * @param {number} ms
 */
export function pause(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms * (0.8 + Math.random() * 0.4));
    function done() {
      clearTimeout(timer);
      waiting.delete(done);
      resolve(undefined);
    }
    waiting.add(done);
  });
}

/** Ends every wait at once. */
export function wakeAll() {
  for (const done of Array.from(waiting)) done();
}
