// @ts-check
/*
 * The customer's session: which conversation this page shows and the token that
 * reads and writes it. Kept in localStorage, so a reload (or another tab) finds
 * the conversation again; in memory only where storage is blocked.
 */

/**
 * A conversation id: the server's number, or a string of digits (stored by an
 * older page).
 * @typedef {number | string} ConversationKey
 */

/**
 * A stored session.
 * @typedef {{ conversation_id: ConversationKey, token: string, name: string }} Session
 */

export const STORAGE_KEY = 'switchboard.chat';

/**
 * The session this page shows, or null on the start screen.
 * @type {Session | null}
 */
export let session = null;

/** @param {Session | null} s */
export function setSession(s) {
  session = s;
}

/** @type {Session | null} */
let memorySession = null; // fallback when localStorage is unavailable

/**
 * A session from untrusted data (storage, an answer), or null if it is not one.
 * @param {unknown} v
 * @returns {Session | null}
 */
export function validSession(v) {
  if (!v || typeof v !== 'object') return null;
  const o = /** @type {Record<string, unknown>} */ (v);
  const id = o.conversation_id;
  const idOk =
    (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
    (typeof id === 'string' && /^[0-9]{1,19}$/.test(id));
  if (!idOk) return null;
  if (typeof o.token !== 'string' || o.token.length === 0 || o.token.length > 4096) return null;
  return {
    conversation_id: /** @type {ConversationKey} */ (id),
    token: o.token,
    name: typeof o.name === 'string' ? o.name : '',
  };
}

/** @returns {Session | null} */
export function loadSession() {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (raw !== null) {
      /** @type {unknown} */
      let parsed = null;
      try {
        parsed = JSON.parse(raw);
      } catch (_) {
        parsed = null;
      }
      const s = validSession(parsed);
      if (!s) window.localStorage.removeItem(STORAGE_KEY);
      return s;
    }
  } catch (_) {
    /* storage blocked: fall through to memory */
  }
  return memorySession;
}

/** @param {Session | null} s */
export function saveSession(s) {
  memorySession = s;
  try {
    if (s) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch (_) {
    /* private mode, quota, disabled storage: memory copy still works */
  }
}

/**
 * Whether two conversation ids are the same (numbers and strings of digits compare equal).
 * @param {ConversationKey | null | undefined} a
 * @param {ConversationKey | null | undefined} b
 */
export function sameId(a, b) {
  return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);
}
