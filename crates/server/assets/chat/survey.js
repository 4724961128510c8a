// @ts-check
/*
 * The end-of-chat survey: five stars and an optional comment, shown once the
 * agent ends the conversation, answered once; then the thanks.
 */

import { MAX_COMMENT_CHARS } from './config.js';
import { put } from './i18n.js';
import { els, focusSoon, setBusy } from './dom.js';
import { atBottom, scrollToBottom, sticking } from './scroll.js';
import { sameId } from './session.js';

/** @typedef {import('./protocol').CustomerSurvey} CustomerSurvey */
/** @typedef {import('./session.js').ConversationKey} ConversationKey */

let busy = false; // a rating is on its way
/** @type {string | null} */
let doneFor = null; // conversation id whose survey this page recorded

export function surveyBusy() {
  return busy;
}

/** @param {boolean} b */
export function setSurveyBusy(b) {
  busy = b;
  setBusy(els.survey, b);
  updateSurveyButton();
}

/** The rating picked, 0 for none. */
export function checkedRating() {
  const r = els.survey.querySelector('input[name="rating"]:checked');
  return r instanceof HTMLInputElement ? Number(r.value) : 0;
}

/** @param {number} n stars lit */
function paintStars(n) {
  for (const label of els.starLabels) {
    label.classList.toggle('on', Number(label.dataset.value) <= n);
  }
}

export function updateSurveyButton() {
  els.surveySubmit.disabled = busy || checkedRating() === 0;
}

export function resetSurvey() {
  els.survey.reset();
  busy = false;
  setBusy(els.survey, false);
  paintStars(0);
  put(els.thanks, { id: 'chat-survey-thanks' });
  updateSurveyButton();
}

/**
 * Shows the form, the thanks, or neither, for the conversation as drawn.
 * @param {{ conversation_id: ConversationKey, ended: boolean, survey: CustomerSurvey | null }} c
 */
export function renderSurvey(c) {
  const s = c.survey;
  let showForm = false;
  let showThanks = false;
  if (c.ended && s) {
    if (s.rating === null || s.rating === undefined) {
      if (sameId(doneFor, c.conversation_id)) showThanks = true;
      else showForm = true;
    } else {
      showThanks = true;
    }
  }
  const focusWasInForm = els.survey.contains(document.activeElement);
  els.survey.hidden = !showForm;
  els.thanks.hidden = !showThanks;
  if (focusWasInForm && !showForm) focusSoon(showThanks ? els.thanks : els.message);
  updateSurveyButton();
}

/**
 * The rating is recorded (now, or before): the thanks replaces the form.
 * @param {ConversationKey} convId
 * @param {import('./i18n.js').Phrase} words
 */
export function surveyRecorded(convId, words) {
  doneFor = String(convId);
  put(els.thanks, words);
  els.survey.hidden = true;
  els.thanks.hidden = false;
  if (sticking() || atBottom()) scrollToBottom(false);
  focusSoon(els.thanks);
}

/** The stars follow the pointer and the choice; the comment takes the server's limit. */
export function watchSurvey() {
  els.comment.maxLength = MAX_COMMENT_CHARS;
  els.survey.addEventListener('change', (ev) => {
    if (ev.target instanceof HTMLInputElement && ev.target.name === 'rating') {
      paintStars(checkedRating());
      updateSurveyButton();
    }
  });
  els.stars.addEventListener('pointerover', (ev) => {
    if (ev.pointerType && ev.pointerType !== 'mouse') return;
    const label = ev.target instanceof Element ? ev.target.closest('label[data-value]') : null;
    if (label instanceof HTMLElement && els.stars.contains(label)) {
      paintStars(Number(label.dataset.value));
    }
  });
  els.stars.addEventListener('pointerleave', () => paintStars(checkedRating()));
}
