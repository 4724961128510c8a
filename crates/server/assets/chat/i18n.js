// @ts-check
/*
 * The page's words in the customer's language: the browser's first language
 * the server has a catalog for, or the one chosen in the top bar (remembered
 * in this browser). The catalogs are locales/<language>/chat.ftl, all in
 * /chat/locales.js, read with @fluent/bundle.
 *
 * Elements carry what they say, not the words: `data-l10n-id` names the
 * message (its value is the element's text, its attributes the element's
 * aria-label, title, placeholder) and `data-l10n-args` its variables as JSON,
 * so a change of language redraws every word, including those written since
 * the page loaded. Outside text (names, files, the customer's words) goes in
 * as variables or through `put(el, text)`, always as text, never as HTML.
 */

import { FluentBundle, FluentResource } from './vendor/fluent/index.js';
import { LANGUAGES } from './locales.js';

/** @typedef {import('./locales').Phrase} Phrase */
/** @typedef {import('./locales').ChatArg} ChatArg */
/** @typedef {import('./locales').ChatLanguage} ChatLanguage */
/**
 * What an element says: a message of the catalog, or outside text as it is.
 * @typedef {Phrase | string} Words
 */

const STORE_KEY = 'switchboard.chat.language';
/** The attributes a message may set on an element. */
const ATTRIBUTES = new Set(['aria-label', 'title', 'placeholder', 'alt']);

/** @type {Map<string, FluentBundle>} */
const bundles = new Map();
/** @type {(() => void)[]} */
const listeners = [];

/** @type {ChatLanguage} */
let current = LANGUAGES[0];

/** @param {ChatLanguage} lang */
function bundleFor(lang) {
  let bundle = bundles.get(lang.tag);
  if (!bundle) {
    // Plain text: no Unicode isolation marks (the elements are dir="auto" where it matters).
    bundle = new FluentBundle(lang.tag, { useIsolating: false });
    const errors = bundle.addResource(new FluentResource(lang.ftl));
    for (const e of errors) console.warn('locales/' + lang.tag + '/chat.ftl:', e);
    bundles.set(lang.tag, bundle);
  }
  return bundle;
}

/**
 * The language for these preferences (`navigator.languages`): the first whose
 * language the server has (`fr-CA` → `fr`), else English.
 * @param {readonly string[]} wanted
 */
export function negotiate(wanted) {
  for (const tag of wanted) {
    const t = String(tag).toLowerCase();
    const exact = LANGUAGES.find((l) => l.tag.toLowerCase() === t);
    if (exact) return exact;
    const base = LANGUAGES.find((l) => l.tag.toLowerCase() === t.split('-')[0]);
    if (base) return base;
  }
  return LANGUAGES[0];
}

/** The language the page starts in: the customer's choice, else the browser's. */
function initial() {
  let chosen = null;
  try {
    chosen = localStorage.getItem(STORE_KEY);
  } catch (_) {
    /* storage blocked: the browser's language */
  }
  const wanted = chosen ? [chosen] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return negotiate(wanted);
}

/** The page's language: its tag (`fr`), for dates, numbers and the server. */
export function language() {
  return current.tag;
}

/**
 * A variable's value for Fluent: phrases are said first.
 * @param {ChatArg} v
 * @returns {string | number}
 */
function argValue(v) {
  return typeof v === 'object' ? t(v) : v;
}

/**
 * A phrase in the page's language (English where the catalog lacks it, which
 * the catalogs' test prevents; the id itself as the last resort).
 * @param {Phrase} p
 * @param {string} [attribute]
 * @returns {string}
 */
export function t(p, attribute) {
  /** @type {Record<string, string | number>} */
  const args = {};
  for (const [k, v] of Object.entries(p.args ?? {})) args[k] = argValue(/** @type {ChatArg} */ (v));
  for (const bundle of [bundleFor(current), bundleFor(LANGUAGES[0])]) {
    const message = bundle.getMessage(p.id);
    const pattern = attribute ? message?.attributes[attribute] : message?.value;
    if (pattern) return bundle.formatPattern(pattern, args);
  }
  return p.id;
}

/** @param {HTMLElement} el */
function translate(el) {
  const id = el.dataset.l10nId;
  if (!id) return;
  /** @type {Record<string, ChatArg> | undefined} */
  let args;
  try {
    args = el.dataset.l10nArgs ? JSON.parse(el.dataset.l10nArgs) : undefined;
  } catch (_) {
    args = undefined;
  }
  const p = /** @type {Phrase} */ ({ id, args });
  for (const bundle of [bundleFor(current), bundleFor(LANGUAGES[0])]) {
    const message = bundle.getMessage(id);
    if (!message) continue;
    if (message.value) el.textContent = t(p);
    for (const name of Object.keys(message.attributes)) {
      if (ATTRIBUTES.has(name)) el.setAttribute(name, t(p, name));
    }
    return;
  }
}

/**
 * Makes `el` say `words`: a phrase (kept on the element, so it follows the
 * language) or outside text, as it is.
 * @param {HTMLElement} el
 * @param {Words} words
 */
export function put(el, words) {
  if (typeof words === 'string') {
    delete el.dataset.l10nId;
    delete el.dataset.l10nArgs;
    el.textContent = words;
    return;
  }
  el.dataset.l10nId = words.id;
  if (words.args) el.dataset.l10nArgs = JSON.stringify(words.args);
  else delete el.dataset.l10nArgs;
  translate(el);
}

/**
 * What `words` reads as now.
 * @param {Words} words
 */
export function say(words) {
  return typeof words === 'string' ? words : t(words);
}

/**
 * Whether two words are the same (same phrase and variables, or same text).
 * @param {Words} a
 * @param {Words} b
 */
export function sameWords(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Runs `fn` at every change of language, before the elements' words change
 * (for what is formatted rather than said, such as times, and to quiet a live
 * region that would read every redrawn word out).
 * @param {() => void} fn
 */
export function onLanguageChange(fn) {
  listeners.push(fn);
}

/** Says every element's words in the current language. */
function translatePage() {
  document.documentElement.lang = current.tag;
  for (const fn of listeners) fn();
  for (const el of document.querySelectorAll('[data-l10n-id]')) {
    if (el instanceof HTMLElement) translate(el);
  }
}

/**
 * Switches the page to `tag` (one of LANGUAGES) and remembers the choice.
 * @param {string} tag
 */
export function chooseLanguage(tag) {
  const lang = LANGUAGES.find((l) => l.tag === tag);
  if (!lang || lang === current) return;
  current = lang;
  try {
    localStorage.setItem(STORE_KEY, lang.tag);
  } catch (_) {
    /* storage blocked: this page load only */
  }
  translatePage();
}

/**
 * The language menu: each language in its own name; hidden when the server
 * speaks only one.
 * @param {HTMLSelectElement} select
 * @param {(tag: string) => void} changed after the page has switched
 */
export function watchLanguageMenu(select, changed) {
  const wrapper = select.parentElement;
  if (wrapper) wrapper.hidden = LANGUAGES.length < 2;
  select.replaceChildren(
    ...LANGUAGES.map((l) => {
      const option = document.createElement('option');
      option.value = l.tag;
      option.lang = l.tag;
      option.textContent = l.name;
      return option;
    })
  );
  select.value = current.tag;
  select.addEventListener('change', () => {
    chooseLanguage(select.value);
    changed(current.tag);
  });
}

// The page's words, before anything shows.
current = initial();
translatePage();
