// @ts-check
/*
 * Sending files: the paperclip button, files dropped anywhere on the
 * conversation, files pasted into the message box. Each goes up as its own
 * line, one after another; a file the server would refuse (empty, over its
 * limit) is refused here first, with the same words. Each carries a
 * client-made id and goes up again after a network failure, a server error or
 * a rate limit until the server answers (which keeps the first answer to each
 * id: a retry after a lost answer stores nothing twice). Files are not kept
 * across a reload: a page opened again does not have them to send.
 */

import { errorMessage, sessionGone, uploadFile } from './api.js';
import { MAX_FILE_BYTES } from './config.js';
import { clearError, els, setBusy, showError } from './dom.js';
import { put } from './i18n.js';
import { FIRST_RETRY_MS, LAST_RETRY_MS, newClientId, passing, pause } from './retry.js';
import { session } from './session.js';

/** @typedef {import('./protocol').CustomerMessageResponse} CustomerMessageResponse */
/** @typedef {import('./session.js').Session} Session */
/** @typedef {import('./i18n.js').Phrase} Phrase */

/**
 * What the page does with an answer, and when the session is gone.
 * @typedef {{ posted: (s: Session, res: CustomerMessageResponse | null) => void, gone: () => void }} Handlers
 */

/** @type {File[]} */
const queue = [];
let sending = false;

/**
 * Why this file cannot go, or null when it can.
 * @param {File} file
 * @returns {Phrase | null}
 */
function refusal(file) {
  if (file.size === 0) return { id: 'chat-file-empty', args: { name: file.name } };
  if (file.size > MAX_FILE_BYTES) {
    const max = Math.floor(MAX_FILE_BYTES / (1024 * 1024));
    return { id: 'chat-file-too-large', args: { name: file.name, max } };
  }
  return null;
}

/**
 * Sends one file, trying again while failures pass; whether to go on with the
 * next (not when the conversation was let go or its session is gone).
 * @param {Session} s
 * @param {File} file
 * @param {Handlers} on
 * @returns {Promise<boolean>}
 */
async function upload(s, file, on) {
  const clientId = newClientId();
  let wait = FIRST_RETRY_MS;
  put(els.uploading, { id: 'chat-file-sending', args: { name: file.name } });
  els.uploading.hidden = false;
  for (;;) {
    try {
      const res = await uploadFile(s.conversation_id, s.token, file, clientId);
      if (session !== s) return false;
      on.posted(s, res);
      return true;
    } catch (err) {
      if (session !== s) return false;
      if (sessionGone(err)) {
        on.gone();
        return false;
      }
      if (!passing(err)) {
        showError({ id: 'chat-file-failed', args: { name: file.name, reason: errorMessage(err) } });
        return true;
      }
      put(els.uploading, { id: 'chat-file-retrying', args: { name: file.name } });
      await pause(wait);
      if (session !== s) return false;
      wait = Math.min(wait * 2, LAST_RETRY_MS);
    }
  }
}

/**
 * Sends the files, after any still going up.
 * @param {File[]} files
 * @param {Handlers} on
 */
async function send(files, on) {
  queue.push(...files);
  if (sending) return;
  sending = true;
  setBusy(els.composer, true);
  clearError();
  try {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const s = session;
      if (!s) break;
      const problem = refusal(file);
      if (problem) {
        showError(problem);
        continue;
      }
      if (!(await upload(s, file, on))) break;
    }
  } finally {
    queue.length = 0;
    sending = false;
    els.uploading.hidden = true;
    put(els.uploading, '');
    setBusy(els.composer, false);
  }
}

/** @param {DragEvent} ev */
function carriesFiles(ev) {
  return !!ev.dataTransfer && Array.from(ev.dataTransfer.types).includes('Files');
}

/** @param {Handlers} on */
export function watchFiles(on) {
  els.attach.addEventListener('click', () => els.file.click());
  els.file.addEventListener('change', () => {
    const files = Array.from(els.file.files || []);
    els.file.value = ''; // the same file may be chosen again
    if (files.length) send(files, on);
  });

  els.message.addEventListener('paste', (ev) => {
    const files = Array.from((ev.clipboardData && ev.clipboardData.files) || []);
    if (!files.length) return; // text pastes as text
    ev.preventDefault();
    send(files, on);
  });

  // Entering and leaving child elements fires both events: count the depth.
  let depth = 0;
  els.chatScreen.addEventListener('dragenter', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    depth++;
    els.drop.hidden = false;
  });
  els.chatScreen.addEventListener('dragleave', (ev) => {
    if (!carriesFiles(ev)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) els.drop.hidden = true;
  });
  els.chatScreen.addEventListener('drop', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    depth = 0;
    els.drop.hidden = true;
    const files = Array.from((ev.dataTransfer && ev.dataTransfer.files) || []);
    if (files.length && session) send(files, on);
  });
  // A file dropped beside the conversation must not open in place of the chat.
  window.addEventListener('dragover', (ev) => {
    if (!carriesFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = els.chatScreen.hidden ? 'none' : 'copy';
  });
  window.addEventListener('drop', (ev) => {
    if (carriesFiles(ev)) ev.preventDefault();
  });
}
