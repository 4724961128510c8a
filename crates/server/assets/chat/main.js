// @ts-check
/*
 * Switchboard's chat page for customers: the entry module. Wires the page's
 * forms to the customer API and starts from the stored session, if any.
 *
 * The modules, native ES modules with no build step, each served by the server
 * (crates/server/src/http/page.rs):
 *   config.js    the server's limits, generated from its constants
 *   locales.js   every language's words (locales/<language>/chat.ftl), generated
 *   i18n.js      the page's language, its menu, and saying words in it
 *   dom.js       the elements, the error line, the status, the screens
 *   session.js   the session (conversation id and token) and its storage
 *   api.js       HTTP requests and their errors
 *   stream.js    the live WebSocket stream, reconnecting
 *   messages.js  drawing the conversation
 *   scroll.js    following the conversation's bottom
 *   survey.js    the end-of-chat rating
 *   composer.js  the message box
 *   outbox.js    the customer's lines on their way, sent until confirmed
 *   files.js     sending files: the button, dropping, pasting
 *   attachments.js  the files in the conversation, and the image viewer
 *   typing.js    who is typing, and telling the agent what was seen
 *   chat.js      opening, switching and forgetting the conversation
 * Types: protocol.d.ts (the wire types, generated from the Rust ones),
 * config.d.ts and locales.d.ts (every message and its variables);
 * `scripts/test` type-checks the page with tsc. vendor/fluent is
 * @fluent/bundle, as released.
 */

import {
  RequestError,
  errorMessage,
  postLanguage,
  postSurvey,
  sessionGone,
  startConversation,
} from './api.js';
import { watchViewer } from './attachments.js';
import { expireSession, forgetSession, openChat, showPosted, watchSession } from './chat.js';
import { takeSent, watchComposer } from './composer.js';
import { clearError, els, focusSoon, markInvalid, setBusy, showError, showStartScreen } from './dom.js';
import { language, watchLanguageMenu } from './i18n.js';
import { scrollToBottom, watchScrolling } from './scroll.js';
import { loadSession, saveSession, session, validSession } from './session.js';
import { watchFiles } from './files.js';
import { resumeOutbox, sendLine, watchOutbox } from './outbox.js';
import { reconnectIfNeeded } from './stream.js';
import { watchTyping } from './typing.js';
import {
  checkedRating,
  resetSurvey,
  setSurveyBusy,
  surveyBusy,
  surveyRecorded,
  updateSurveyButton,
  watchSurvey,
} from './survey.js';

/** @typedef {import('./protocol').SurveyRequest} SurveyRequest */

let starting = false;

// ---------------------------------------------------------------- start form

/** @param {SubmitEvent} ev */
async function startChat(ev) {
  ev.preventDefault();
  if (starting) return;
  const name = els.name.value.trim();
  const email = els.email.value.trim();
  markInvalid(els.name, !name);
  markInvalid(els.email, !email);
  if (!name) {
    showError({ id: 'chat-name-missing' });
    els.name.focus();
    return;
  }
  if (!email) {
    showError({ id: 'chat-email-missing' });
    els.email.focus();
    return;
  }
  // The server's own check: something, an @, then something that is not blank.
  if (!/^[\s\S]*\S[\s\S]*@[^@]*[^@\s][^@]*$/.test(email)) {
    markInvalid(els.email, true);
    showError({ id: 'chat-email-invalid' });
    els.email.focus();
    return;
  }

  starting = true;
  els.start.disabled = true;
  setBusy(els.startForm, true);
  clearError();
  try {
    const res = await startConversation({ name, email, language: language() });
    const s = validSession({
      conversation_id: res && res.conversation_id,
      token: res && res.token,
      name,
    });
    if (!s) throw new RequestError(0, 'bad_response', { id: 'chat-error-bad-response' });
    saveSession(s);
    openChat(s, true);
  } catch (err) {
    if (err instanceof RequestError && err.code === 'invalid_field') {
      // The server names the field in its (English) message.
      if (/e-?mail/i.test(err.detail)) {
        markInvalid(els.email, true);
        showError({ id: 'chat-email-invalid' });
        els.email.focus();
        return;
      }
      if (/name/i.test(err.detail)) {
        markInvalid(els.name, true);
        showError({ id: 'chat-name-invalid' });
        els.name.focus();
        return;
      }
    }
    showError(errorMessage(err));
  } finally {
    starting = false;
    els.start.disabled = false;
    setBusy(els.startForm, false);
  }
}

// ---------------------------------------------------------------- composer

/** Sends what is in the box: it shows at once and goes out until confirmed. */
function sendMessage() {
  if (!session) return;
  const text = els.message.value;
  if (!text.trim()) {
    els.message.focus();
    return;
  }
  clearError();
  takeSent(text);
  sendLine(session, text);
}

// ---------------------------------------------------------------- survey

/** @param {SubmitEvent} ev */
async function submitSurvey(ev) {
  ev.preventDefault();
  if (surveyBusy() || !session) return;
  const rating = checkedRating();
  if (rating < 1 || rating > 5) {
    updateSurveyButton();
    return;
  }
  const sess = session;
  /** @type {SurveyRequest} */
  const payload = { rating };
  const comment = els.comment.value;
  if (comment.trim()) payload.comment = comment;

  setSurveyBusy(true);
  clearError();
  try {
    await postSurvey(sess.conversation_id, sess.token, payload);
    if (session !== sess) return;
    surveyRecorded(sess.conversation_id, { id: 'chat-survey-thanks' });
  } catch (err) {
    if (session !== sess) return;
    if (err instanceof RequestError && err.code === 'survey_answered') {
      surveyRecorded(sess.conversation_id, { id: 'chat-survey-thanks-already' });
    } else if (err instanceof RequestError && err.code === 'invalid_state') {
      // The conversation is no longer ended (reopened): no survey to answer.
      els.survey.hidden = true;
      focusSoon(els.message);
    } else if (sessionGone(err)) {
      expireSession();
    } else {
      showError(errorMessage(err));
    }
  } finally {
    if (session === sess) setSurveyBusy(false);
  }
}

// ---------------------------------------------------------------- language

/**
 * The customer chose another language: the server keeps it for this
 * conversation (best effort: a failure changes nothing the customer sees, and
 * the next conversation starts in the new language anyway).
 * @param {string} tag
 */
function languageChosen(tag) {
  const s = session;
  if (!s) return;
  postLanguage(s.conversation_id, s.token, { language: tag }).catch((err) => {
    if (session === s && sessionGone(err)) expireSession();
  });
}

// ---------------------------------------------------------------- setup

function init() {
  watchLanguageMenu(els.language, languageChosen);

  // Start form
  els.startForm.addEventListener('submit', startChat);
  for (const input of [els.name, els.email]) {
    input.addEventListener('input', () => markInvalid(input, false));
  }

  // New chat
  els.newChat.addEventListener('click', () => {
    forgetSession();
    focusSoon(els.name.value ? els.email : els.name);
  });

  watchComposer(sendMessage);
  watchOutbox();
  watchFiles({
    posted: (s, res) => {
      showPosted(s, res);
      scrollToBottom(false);
    },
    gone: expireSession,
  });
  watchViewer();
  watchTyping();
  els.survey.addEventListener('submit', submitSurvey);
  watchSurvey();
  watchScrolling();
  watchSession();

  // Connection upkeep
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') reconnectIfNeeded();
  });
  window.addEventListener('online', reconnectIfNeeded);
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) reconnectIfNeeded();
  });

  // Go. (Some browsers restore form state on reload: start from a known one.)
  els.start.disabled = false;
  els.send.disabled = false;
  resetSurvey();
  const stored = loadSession();
  if (stored) {
    saveSession(stored);
    if (stored.name) els.name.value = stored.name;
    openChat(stored, false);
    resumeOutbox();
  } else {
    showStartScreen();
  }
}

// A module runs once the document is parsed.
init();
