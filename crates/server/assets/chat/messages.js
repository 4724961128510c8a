// @ts-check
/*
 * The conversation as drawn: its lines (kept in step with each whole
 * conversation the server sends, plus the customer's own lines the stream has
 * not shown yet), the waiting and ended notices, and the survey.
 */

import { attachmentList, attachmentsOf, forgetFiles } from './attachments.js';
import { els, setBusy } from './dom.js';
import { language, onLanguageChange, put, sameWords } from './i18n.js';
import { atBottom, scrollToBottom, sticking } from './scroll.js';
import { sameId, session } from './session.js';
import { renderSurvey } from './survey.js';
import { hideAgentTyping, reportSeen } from './typing.js';

/** @typedef {import('./protocol').CustomerConversation} CustomerConversation */
/** @typedef {import('./protocol').CustomerVisibleMessage} CustomerVisibleMessage */
/** @typedef {import('./session.js').ConversationKey} ConversationKey */
/** @typedef {import('./i18n.js').Phrase} Phrase */
/** @typedef {import('./i18n.js').Words} Words */

/**
 * A conversation to draw: the server's, or a blank one for a chat just started
 * or switched to (its id from the session, no name yet).
 * @typedef {Omit<CustomerConversation, 'conversation_id' | 'name'> & { conversation_id: ConversationKey, name?: string }} Shown
 */

/**
 * A line to draw: the server's, or one of the customer's on its way (its id a
 * string, its `note` what the page is doing with it).
 * @typedef {Omit<CustomerVisibleMessage, 'id'> & { id: number | string, note?: Phrase }} Line
 */

/**
 * A drawn line and what it shows.
 * @typedef {{ li: HTMLLIElement, whoEl: HTMLElement, bodyEl: HTMLElement, noteEl: HTMLElement | null, who: Words, body: string, note: Words }} Entry
 */

const QUIET_LOG_MS = 600;

/** @type {Shown | null} */
let lastConv = null; // last conversation rendered (merged with pending)
/** @type {string | null} */
let renderedFor = null; // conversation id the message list belongs to
/** @type {Map<string, Entry>} */
const rendered = new Map(); // message id -> its line
/** @type {Map<string, CustomerVisibleMessage>} */
const pending = new Map(); // messages we posted that the stream has not shown yet
/** @type {Map<string, Line>} */
const outgoing = new Map(); // the customer's lines the server has not confirmed yet
/** @type {ReturnType<typeof setTimeout> | null} */
let quietTimer = null;

/**
 * Whether untrusted data is a message this page can draw.
 * @param {unknown} m
 * @returns {m is CustomerVisibleMessage}
 */
export function isMessage(m) {
  if (!m || typeof m !== 'object') return false;
  const o = /** @type {Record<string, unknown>} */ (m);
  return (typeof o.id === 'number' || typeof o.id === 'string') && typeof o.body === 'string';
}

/** The conversation last drawn, or null. */
export function lastConversation() {
  return lastConv;
}

/**
 * Shows a line the customer just posted until the stream brings it.
 * @param {CustomerVisibleMessage} m
 */
export function addPending(m) {
  if (!rendered.has(String(m.id))) pending.set(String(m.id), m);
}

/**
 * Shows (or updates) a line on its way, after the conversation's lines.
 * @param {string} key
 * @param {string} body
 * @param {string} createdAt
 * @param {Phrase} note what is happening to it ("Sending…")
 */
export function setOutgoing(key, body, createdAt, note) {
  outgoing.set(key, {
    id: key,
    from: 'me',
    agent_name: null,
    body,
    created_at: createdAt,
    attachments: [],
    note,
  });
}

/**
 * The line is confirmed (the server's line takes its place) or given up.
 * @param {string} key
 */
export function dropOutgoing(key) {
  outgoing.delete(key);
}

/** Forgets every line on its way. */
export function clearOutgoing() {
  outgoing.clear();
}

/**
 * @param {Line} m
 * @returns {Words}
 */
function authorName(m) {
  if (m.from === 'me') return { id: 'chat-you' };
  return typeof m.agent_name === 'string' && m.agent_name.trim() ? m.agent_name : { id: 'chat-agent' };
}

/**
 * A line's time in the page's language: 14:05 (2:05 PM in English), the whole
 * date on hover.
 * @param {HTMLTimeElement} t
 * @param {Date} d
 */
function formatTime(t, d) {
  const lang = language();
  t.textContent = d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  try {
    t.title = d.toLocaleString(lang, { dateStyle: 'full', timeStyle: 'short' });
  } catch (_) {
    t.title = d.toLocaleString(lang);
  }
}

onLanguageChange(() => {
  // Every line's author changes words: not news to read out.
  quietLog();
  for (const t of els.messages.querySelectorAll('time')) {
    const d = new Date(t.dateTime);
    if (!Number.isNaN(d.getTime())) formatTime(t, d);
  }
});

/** @param {unknown} iso */
function timeElement(iso) {
  if (typeof iso !== 'string') return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const t = document.createElement('time');
  t.className = 'time';
  t.dateTime = iso;
  formatTime(t, d);
  return t;
}

/**
 * @param {Line} m
 * @returns {Entry}
 */
function createItem(m) {
  const li = document.createElement('li');
  li.className = 'msg ' + (m.from === 'me' ? 'me' : 'agent');
  li.dataset.id = String(m.id);

  const name = authorName(m);
  const who = document.createElement('span');
  who.className = 'who';
  who.dir = 'auto';
  put(who, name);

  const body = document.createElement('div');
  body.className = 'body';
  body.dir = 'auto';
  body.textContent = m.body;
  body.hidden = m.body === ''; // a file on its own

  li.append(who, body);
  const files = attachmentsOf(m.attachments);
  if (files.length) li.append(attachmentList(files));
  const t = timeElement(m.created_at);
  if (t) li.append(t);
  /** @type {HTMLElement | null} */
  let noteEl = null;
  if (m.note !== undefined) {
    li.classList.add('sending');
    noteEl = document.createElement('span');
    noteEl.className = 'note';
    put(noteEl, m.note);
    li.append(noteEl);
  }
  return { li, whoEl: who, bodyEl: body, noteEl, who: name, body: m.body, note: m.note ?? '' };
}

/**
 * @param {Entry} entry
 * @param {Line} m
 */
function updateItem(entry, m) {
  if (entry.noteEl && m.note !== undefined && !sameWords(entry.note, m.note)) {
    entry.note = m.note;
    put(entry.noteEl, m.note);
  }
  // Messages are normally immutable; keep the DOM in step if one changes anyway.
  if (entry.body !== m.body) {
    entry.body = m.body;
    entry.bodyEl.textContent = m.body;
    entry.bodyEl.hidden = m.body === '';
  }
  const who = authorName(m);
  if (!sameWords(entry.who, who)) {
    entry.who = who;
    put(entry.whoEl, who);
  }
}

function clearMessages() {
  rendered.clear();
  els.messages.replaceChildren();
}

/** Forgets the conversation drawn: no lines, nothing pending. */
export function resetMessages() {
  hideAgentTyping();
  clearMessages();
  forgetFiles();
  pending.clear();
  renderedFor = null;
  lastConv = null;
}

function quietLog() {
  // Filling the list with history must not make screen readers read it all out.
  els.log.setAttribute('aria-live', 'off');
  if (quietTimer) clearTimeout(quietTimer);
  quietTimer = setTimeout(() => {
    quietTimer = null;
    els.log.setAttribute('aria-live', 'polite');
  }, QUIET_LOG_MS);
}

/**
 * @param {Line[]} list
 * @param {ConversationKey} convId
 */
function renderMessages(list, convId) {
  const first = renderedFor !== String(convId);
  if (first) {
    quietLog();
    clearMessages();
    renderedFor = String(convId);
  }
  const wasAtBottom = first || sticking() || atBottom();

  let addedFromAgent = false;
  /** @type {Set<string>} */
  const keep = new Set();
  let cursor = els.messages.firstChild;
  for (const m of list) {
    const key = String(m.id);
    if (keep.has(key)) continue; // duplicate id: show once
    keep.add(key);
    let entry = rendered.get(key);
    if (entry) {
      updateItem(entry, m);
    } else {
      entry = createItem(m);
      rendered.set(key, entry);
      if (m.from !== 'me') addedFromAgent = true;
    }
    if (entry.li === cursor) cursor = cursor.nextSibling;
    else els.messages.insertBefore(entry.li, cursor);
  }
  // Everything from the cursor on is no longer in the conversation.
  while (cursor) {
    const next = cursor.nextSibling;
    if (cursor instanceof HTMLElement && cursor.dataset.id) rendered.delete(cursor.dataset.id);
    cursor.remove();
    cursor = next;
  }

  return { first, wasAtBottom, addedFromAgent };
}

/**
 * Draws a conversation (the server's, untrusted: only what checks out is used)
 * if it is the session's.
 * @param {Shown | null | undefined} c
 */
export function renderConversation(c) {
  if (!session || !c || typeof c !== 'object') return;
  if (!sameId(c.conversation_id, session.conversation_id)) return; // stale (switched away)

  const serverMessages = Array.isArray(c.messages) ? c.messages.filter(isMessage) : [];
  const seen = new Set(serverMessages.map((m) => String(m.id)));
  for (const key of Array.from(pending.keys())) {
    if (seen.has(key)) pending.delete(key);
  }
  /** @type {Line[]} */
  const list = [...serverMessages, ...pending.values(), ...outgoing.values()];
  lastConv = {
    conversation_id: c.conversation_id,
    name: c.name,
    ended: c.ended === true,
    survey: c.survey && typeof c.survey === 'object' ? c.survey : null,
    messages: serverMessages,
  };

  const r = renderMessages(list, c.conversation_id);
  const ended = lastConv.ended;
  els.waiting.hidden = ended || list.some((m) => m.from !== 'me');
  renderEnded(ended);
  renderSurvey(lastConv);
  setBusy(els.log, false);
  setBusy(els.main, false);

  if (r.addedFromAgent || ended) hideAgentTyping();
  reportSeen(serverMessages);

  if (r.wasAtBottom) scrollToBottom(false);
  else if (r.addedFromAgent) els.jump.hidden = false;
}

/** @param {boolean} ended */
export function renderEnded(ended) {
  els.ended.hidden = !ended;
  els.hint.hidden = !ended;
  els.message.setAttribute(
    'aria-describedby',
    ended ? 'composer-hint composer-help' : 'composer-help'
  );
}
