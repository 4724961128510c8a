'use strict';

/*
 * Switchboard customer chat page.
 *
 * Runs under a strict CSP (script-src 'self', style-src 'self'): no inline
 * scripts or styles, no eval. Everything that comes from the server (names,
 * message bodies, error messages) is written with textContent only, never
 * parsed as HTML.
 */
(function () {
  const STORAGE_KEY = 'switchboard.chat';
  const API = '/api/v1/customer/conversations';
  const MAX_MESSAGE_CHARS = 10000;
  const SHOW_COUNT_FROM = 9000;
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const IDLE_TIMEOUT_MS = 45000;
  const REQUEST_TIMEOUT_MS = 30000;
  const QUIET_LOG_MS = 600;
  const THANKS_DEFAULT = 'Thank you for your feedback!';
  const THANKS_ALREADY = 'Thanks, your rating was already recorded.';
  const SESSION_GONE = 'Your chat session has expired. Please start a new chat.';
  const SESSION_GONE_CODES = new Set(['unauthorized', 'forbidden', 'not_found']);

  // ---------------------------------------------------------------- elements

  let els = null;

  function byId(id) {
    const el = document.getElementById(id);
    if (!el) throw new Error('missing #' + id);
    return el;
  }

  // ---------------------------------------------------------------- state

  let session = null; // {conversation_id, token, name}
  let memorySession = null; // fallback when localStorage is unavailable

  let lastConv = null; // last conversation object rendered (merged with pending)
  let renderedFor = null; // conversation id (string) the message list belongs to
  const rendered = new Map(); // message id (string) -> {li, body, who}
  const pending = new Map(); // messages we posted that the stream has not shown yet

  let stick = true; // message list is scrolled to the bottom
  let sending = false;
  let starting = false;
  let surveyBusy = false;
  let surveyDoneFor = null; // conversation id whose survey this page recorded
  let quietTimer = null;
  let errorTimer = null;
  let loadErrorShown = false;

  // WebSocket
  let sock = null;
  let sockGen = 0;
  let attempt = 0;
  let retryTimer = null;
  let idleTimer = null;

  // ---------------------------------------------------------------- storage

  function validSession(v) {
    if (!v || typeof v !== 'object') return null;
    const id = v.conversation_id;
    const idOk =
      (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) ||
      (typeof id === 'string' && /^[0-9]{1,19}$/.test(id));
    if (!idOk) return null;
    if (typeof v.token !== 'string' || v.token.length === 0 || v.token.length > 4096) return null;
    return {
      conversation_id: id,
      token: v.token,
      name: typeof v.name === 'string' ? v.name : '',
    };
  }

  function loadSession() {
    try {
      const raw = window.localStorage.getItem(STORAGE_KEY);
      if (raw !== null) {
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

  function saveSession(s) {
    memorySession = s;
    try {
      if (s) window.localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
      else window.localStorage.removeItem(STORAGE_KEY);
    } catch (_) {
      /* private mode, quota, disabled storage: memory copy still works */
    }
  }

  function sameId(a, b) {
    return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);
  }

  function convPath(id) {
    return API + '/' + encodeURIComponent(String(id));
  }

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function fallbackMessage(status) {
    if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
    if (status === 401) return SESSION_GONE;
    if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
    return 'Something went wrong (error ' + status + '). Please try again.';
  }

  async function api(method, path, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;

    const ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS) : null;
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: ctrl ? ctrl.signal : undefined,
      });
    } catch (_) {
      if (timer) clearTimeout(timer);
      throw new ApiError(
        0,
        'network',
        'Could not reach the server. Please check your connection and try again.'
      );
    }

    let data = null;
    try {
      const text = await res.text();
      if (text) data = JSON.parse(text);
    } catch (_) {
      data = null;
    } finally {
      if (timer) clearTimeout(timer);
    }

    if (!res.ok) {
      const code = data && typeof data.code === 'string' ? data.code : 'http_' + res.status;
      const message =
        data && typeof data.message === 'string' && data.message.trim()
          ? data.message
          : fallbackMessage(res.status);
      throw new ApiError(res.status, code, message);
    }
    return data;
  }

  function sessionGone(err) {
    return err instanceof ApiError && (err.status === 401 || SESSION_GONE_CODES.has(err.code));
  }

  // ---------------------------------------------------------------- messages shown to the user

  function showError(message) {
    const text = String(message || 'Something went wrong. Please try again.');
    if (errorTimer) {
      clearTimeout(errorTimer);
      errorTimer = null;
    }
    if (els.error.textContent === text) {
      // Same text again: clear, then set, so screen readers announce it again.
      els.error.textContent = '';
      errorTimer = setTimeout(() => {
        errorTimer = null;
        els.error.textContent = text;
      }, 100);
    } else {
      els.error.textContent = text;
    }
  }

  function clearError() {
    if (errorTimer) {
      clearTimeout(errorTimer);
      errorTimer = null;
    }
    els.error.textContent = '';
    loadErrorShown = false;
  }

  function setStatus(text) {
    if (els.status.textContent !== text) els.status.textContent = text;
  }

  // ---------------------------------------------------------------- screens

  function setBusy(el, busy) {
    if (busy) el.setAttribute('aria-busy', 'true');
    else el.removeAttribute('aria-busy');
  }

  function showStartScreen() {
    els.loading.hidden = true;
    els.chatScreen.hidden = true;
    els.newChat.hidden = true;
    els.startScreen.hidden = false;
    // The single #error area lives in the visible screen.
    els.startForm.insertBefore(els.error, els.start);
    setBusy(els.main, false);
    setStatus('');
  }

  function showChatScreen() {
    els.loading.hidden = true;
    els.startScreen.hidden = true;
    els.chatScreen.hidden = false;
    els.newChat.hidden = false;
    els.dock.insertBefore(els.error, els.composer);
  }

  function focusSoon(el) {
    // After un-hiding, focus on the next frame so the element is rendered.
    requestAnimationFrame(() => {
      try {
        el.focus({ preventScroll: el === els.thanks ? false : true });
      } catch (_) {
        el.focus();
      }
    });
  }

  // ---------------------------------------------------------------- scrolling

  function atBottom() {
    const s = els.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= 48;
  }

  function scrollToBottom(smooth) {
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

  // ---------------------------------------------------------------- rendering

  function isMessage(m) {
    return (
      m &&
      typeof m === 'object' &&
      (typeof m.id === 'number' || typeof m.id === 'string') &&
      typeof m.body === 'string'
    );
  }

  function authorName(m) {
    if (m.from === 'me') return 'You';
    return typeof m.agent_name === 'string' && m.agent_name.trim() ? m.agent_name : 'Agent';
  }

  function timeElement(iso) {
    if (typeof iso !== 'string') return null;
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return null;
    const t = document.createElement('time');
    t.className = 'time';
    t.dateTime = iso;
    t.textContent = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    try {
      t.title = d.toLocaleString([], { dateStyle: 'full', timeStyle: 'short' });
    } catch (_) {
      t.title = d.toLocaleString();
    }
    return t;
  }

  function createItem(m) {
    const li = document.createElement('li');
    li.className = 'msg ' + (m.from === 'me' ? 'me' : 'agent');
    li.dataset.id = String(m.id);

    const who = document.createElement('span');
    who.className = 'who';
    who.dir = 'auto';
    who.textContent = authorName(m);

    const body = document.createElement('div');
    body.className = 'body';
    body.dir = 'auto';
    body.textContent = m.body;

    li.append(who, body);
    const t = timeElement(m.created_at);
    if (t) li.append(t);
    return { li, whoEl: who, bodyEl: body, who: who.textContent, body: m.body };
  }

  function updateItem(entry, m) {
    // Messages are normally immutable; keep the DOM in step if one changes anyway.
    if (entry.body !== m.body) {
      entry.body = m.body;
      entry.bodyEl.textContent = m.body;
    }
    const who = authorName(m);
    if (entry.who !== who) {
      entry.who = who;
      entry.whoEl.textContent = who;
    }
  }

  function clearMessages() {
    rendered.clear();
    els.messages.replaceChildren();
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

  function renderMessages(list, convId) {
    const first = renderedFor !== String(convId);
    if (first) {
      quietLog();
      clearMessages();
      renderedFor = String(convId);
    }
    const wasAtBottom = first || stick || atBottom();

    let addedFromAgent = false;
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
      if (cursor.dataset && cursor.dataset.id) rendered.delete(cursor.dataset.id);
      cursor.remove();
      cursor = next;
    }

    return { first, wasAtBottom, addedFromAgent };
  }

  function renderConversation(c) {
    if (!session || !c || typeof c !== 'object') return;
    if (!sameId(c.conversation_id, session.conversation_id)) return; // stale (switched away)

    const serverMessages = Array.isArray(c.messages) ? c.messages.filter(isMessage) : [];
    const seen = new Set(serverMessages.map((m) => String(m.id)));
    for (const key of Array.from(pending.keys())) {
      if (seen.has(key)) pending.delete(key);
    }
    const list = serverMessages.concat(Array.from(pending.values()));
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

    if (r.wasAtBottom) scrollToBottom(false);
    else if (r.addedFromAgent) els.jump.hidden = false;
  }

  function renderEnded(ended) {
    els.ended.hidden = !ended;
    els.hint.hidden = !ended;
    els.message.setAttribute(
      'aria-describedby',
      ended ? 'composer-hint composer-help' : 'composer-help'
    );
  }

  // ---------------------------------------------------------------- survey

  function checkedRating() {
    const r = els.survey.querySelector('input[name="rating"]:checked');
    return r ? Number(r.value) : 0;
  }

  function paintStars(n) {
    for (const label of els.starLabels) {
      label.classList.toggle('on', Number(label.dataset.value) <= n);
    }
  }

  function updateSurveyButton() {
    els.surveySubmit.disabled = surveyBusy || checkedRating() === 0;
  }

  function resetSurvey() {
    els.survey.reset();
    surveyBusy = false;
    setBusy(els.survey, false);
    paintStars(0);
    els.thanks.textContent = THANKS_DEFAULT;
    updateSurveyButton();
  }

  function renderSurvey(c) {
    const s = c.survey;
    let showForm = false;
    let showThanks = false;
    if (c.ended && s) {
      if (s.rating === null || s.rating === undefined) {
        if (sameId(surveyDoneFor, c.conversation_id)) showThanks = true;
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

  function surveyRecorded(convId, text) {
    surveyDoneFor = String(convId);
    els.thanks.textContent = text;
    els.survey.hidden = true;
    els.thanks.hidden = false;
    if (stick || atBottom()) scrollToBottom(false);
    focusSoon(els.thanks);
  }

  async function submitSurvey(ev) {
    ev.preventDefault();
    if (surveyBusy || !session) return;
    const rating = checkedRating();
    if (rating < 1 || rating > 5) {
      updateSurveyButton();
      return;
    }
    const sess = session;
    const payload = { rating };
    const comment = els.comment.value;
    if (comment.trim()) payload.comment = comment;

    surveyBusy = true;
    updateSurveyButton();
    setBusy(els.survey, true);
    clearError();
    try {
      await api('POST', convPath(sess.conversation_id) + '/survey', payload, sess.token);
      if (session !== sess) return;
      surveyRecorded(sess.conversation_id, THANKS_DEFAULT);
    } catch (err) {
      if (session !== sess) return;
      if (err.code === 'survey_answered') {
        surveyRecorded(sess.conversation_id, THANKS_ALREADY);
      } else if (err.code === 'invalid_state') {
        // The conversation is no longer ended (reopened): no survey to answer.
        els.survey.hidden = true;
        focusSoon(els.message);
      } else if (sessionGone(err)) {
        expireSession();
      } else {
        showError(err.message);
      }
    } finally {
      if (session === sess) {
        surveyBusy = false;
        setBusy(els.survey, false);
        updateSurveyButton();
      }
    }
  }

  // ---------------------------------------------------------------- chat lifecycle

  function resetChatView() {
    clearMessages();
    pending.clear();
    renderedFor = null;
    lastConv = null;
    els.waiting.hidden = true;
    renderEnded(false);
    els.survey.hidden = true;
    els.thanks.hidden = true;
    els.jump.hidden = true;
    resetSurvey();
    stick = true;
  }

  function openChat(s, fresh) {
    session = s;
    resetChatView();
    showChatScreen();
    clearError();
    if (fresh) {
      // Brand-new conversation: nothing to load, the stream confirms it.
      renderConversation({
        conversation_id: s.conversation_id,
        ended: false,
        survey: null,
        messages: [],
      });
      connect();
      focusSoon(els.message);
      return;
    }
    setBusy(els.main, true);
    setBusy(els.log, true);
    loadConversation(s);
  }

  async function loadConversation(s) {
    try {
      const conv = await api('GET', convPath(s.conversation_id), undefined, s.token);
      if (session !== s) return;
      renderConversation(conv);
      connect();
    } catch (err) {
      if (session !== s) return;
      if (sessionGone(err)) {
        // Stored session is no longer valid: quietly go back to the start form.
        forgetSession();
        return;
      }
      setBusy(els.main, false);
      showError(
        err.status === 0
          ? 'Could not load your conversation. We will keep trying to reconnect.'
          : err.message
      );
      loadErrorShown = true;
      // The stream sends the whole conversation once it connects.
      connect();
    }
  }

  function forgetSession() {
    const oldName = session ? session.name : '';
    disconnect();
    session = null;
    saveSession(null);
    resetChatView();
    els.message.value = '';
    updateCount();
    showStartScreen();
    clearError();
    if (!els.name.value && oldName) els.name.value = oldName;
  }

  function expireSession(message) {
    forgetSession();
    showError(message || SESSION_GONE);
    focusSoon(els.name.value ? els.email : els.name);
  }

  function switchConversation(next, message) {
    const s = {
      conversation_id: next.conversation_id,
      token: next.token,
      name: session ? session.name : '',
    };
    disconnect();
    session = s;
    saveSession(s);
    resetChatView();
    if (isMessage(message)) pending.set(String(message.id), message);
    renderConversation({
      conversation_id: s.conversation_id,
      ended: false,
      survey: null,
      messages: [],
    });
    connect();
  }

  // ---------------------------------------------------------------- start form

  function markInvalid(input, invalid) {
    if (invalid) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  async function startChat(ev) {
    ev.preventDefault();
    if (starting) return;
    const name = els.name.value.trim();
    const email = els.email.value.trim();
    markInvalid(els.name, !name);
    markInvalid(els.email, !email);
    if (!name) {
      showError('Please enter your name.');
      els.name.focus();
      return;
    }
    if (!email) {
      showError('Please enter your email address.');
      els.email.focus();
      return;
    }

    starting = true;
    els.start.disabled = true;
    setBusy(els.startForm, true);
    clearError();
    try {
      const res = await api('POST', API, { name, email });
      const s = validSession({
        conversation_id: res && res.conversation_id,
        token: res && res.token,
        name,
      });
      if (!s) throw new ApiError(0, 'bad_response', 'Unexpected answer from the server. Please try again.');
      saveSession(s);
      openChat(s, true);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_field') {
        const msg = String(err.message || '');
        if (/e-?mail/i.test(msg)) {
          markInvalid(els.email, true);
          els.email.focus();
        } else if (/name/i.test(msg)) {
          markInvalid(els.name, true);
          els.name.focus();
        }
      }
      showError(err && err.message ? err.message : 'Something went wrong. Please try again.');
    } finally {
      starting = false;
      els.start.disabled = false;
      setBusy(els.startForm, false);
    }
  }

  // ---------------------------------------------------------------- composer

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

  function updateCount() {
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
    els.count.textContent =
      n.toLocaleString() + ' / ' + MAX_MESSAGE_CHARS.toLocaleString() + ' characters';
    els.count.classList.toggle('over', n > MAX_MESSAGE_CHARS);
  }

  async function sendMessage() {
    if (sending || !session) return;
    const text = els.message.value;
    if (!text.trim()) {
      els.message.focus();
      return;
    }
    const sess = session;
    sending = true;
    els.send.disabled = true;
    setBusy(els.composer, true);
    clearError();
    try {
      const res = await api('POST', convPath(sess.conversation_id) + '/messages', { body: text }, sess.token);
      if (session !== sess) return;
      // Clear the box, unless the customer kept typing meanwhile.
      const now = els.message.value;
      if (now === text) els.message.value = '';
      else if (now.startsWith(text)) els.message.value = now.slice(text.length).replace(/^\r?\n/, '');
      updateCount();

      const message = res && res.message;
      if (res && res.session && typeof res.session === 'object') {
        switchConversation(res.session, message);
      } else if (isMessage(message)) {
        if (!rendered.has(String(message.id))) pending.set(String(message.id), message);
        renderConversation(
          lastConv || { conversation_id: sess.conversation_id, ended: false, survey: null, messages: [] }
        );
      }
      scrollToBottom(false);
    } catch (err) {
      if (session !== sess) return;
      if (sessionGone(err)) expireSession();
      else showError(err.message); // text stays in the box
    } finally {
      sending = false;
      els.send.disabled = false;
      setBusy(els.composer, false);
    }
  }

  function onMessageKeydown(ev) {
    if (ev.key !== 'Enter') return;
    if (ev.shiftKey || ev.altKey) return; // Shift+Enter: new line
    if (ev.isComposing || ev.keyCode === 229) return; // IME is composing (CJK input)
    ev.preventDefault();
    sendMessage();
  }

  // ---------------------------------------------------------------- live stream

  function streamUrl(id) {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return proto + '//' + location.host + convPath(id) + '/stream';
  }

  function clearIdle() {
    if (idleTimer) {
      clearTimeout(idleTimer);
      idleTimer = null;
    }
  }

  function armIdle(gen) {
    clearIdle();
    idleTimer = setTimeout(() => {
      idleTimer = null;
      if (gen !== sockGen) return;
      // Nothing at all (not even a heartbeat) for too long: assume a dead link.
      dropSocket();
      scheduleReconnect();
    }, IDLE_TIMEOUT_MS);
  }

  function dropSocket() {
    sockGen++; // events from the old socket are ignored from now on
    clearIdle();
    const old = sock;
    sock = null;
    if (old) {
      try {
        old.close(1000);
      } catch (_) {
        /* already closed */
      }
    }
  }

  function disconnect() {
    dropSocket();
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    attempt = 0;
    setStatus('');
  }

  function scheduleReconnect() {
    if (!session) return;
    if (retryTimer) clearTimeout(retryTimer);
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * Math.pow(2, attempt));
    attempt = Math.min(attempt + 1, 16);
    const delay = Math.min(BACKOFF_MAX_MS, Math.round(base * (0.75 + Math.random() * 0.5)));
    setStatus('Reconnecting…');
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  }

  function connect() {
    if (!session) return;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    dropSocket();
    const gen = sockGen;
    const s = session;

    let ws;
    try {
      ws = new WebSocket(streamUrl(s.conversation_id));
    } catch (_) {
      scheduleReconnect();
      return;
    }
    sock = ws;
    armIdle(gen); // also covers a connection attempt that hangs

    ws.addEventListener('open', () => {
      if (gen !== sockGen) return;
      try {
        ws.send(JSON.stringify({ token: s.token }));
      } catch (_) {
        /* close event follows */
      }
      armIdle(gen);
    });

    ws.addEventListener('message', (ev) => {
      if (gen !== sockGen) return;
      armIdle(gen);
      if (typeof ev.data !== 'string') return;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch (_) {
        return;
      }
      handleFrame(frame, s);
    });

    ws.addEventListener('close', () => {
      if (gen !== sockGen) return;
      sock = null;
      clearIdle();
      scheduleReconnect();
    });

    // 'error' is always followed by 'close'; reconnection happens there.
  }

  function handleFrame(frame, s) {
    if (!frame || typeof frame !== 'object' || session !== s) return;
    if (frame.type === 'conversation') {
      attempt = 0; // authenticated and receiving: reset the backoff
      setStatus('');
      if (loadErrorShown) clearError();
      renderConversation(frame.conversation);
    } else if (frame.type === 'error') {
      const code = typeof frame.code === 'string' ? frame.code : '';
      if (code === 'unauthorized' || SESSION_GONE_CODES.has(code)) {
        expireSession();
      }
      // Other errors: the server closes the socket and we reconnect with backoff.
    }
    // 'heartbeat' only keeps the idle timer alive.
  }

  function reconnectIfNeeded() {
    if (!session || els.chatScreen.hidden) return;
    if (sock && (sock.readyState === WebSocket.OPEN || sock.readyState === WebSocket.CONNECTING)) return;
    attempt = 0;
    connect();
  }

  // ---------------------------------------------------------------- other tabs

  function onStorage(ev) {
    if (ev.key !== STORAGE_KEY && ev.key !== null) return;
    const s = loadSession();
    if (!s) {
      if (session) forgetSession();
      return;
    }
    if (session && sameId(session.conversation_id, s.conversation_id) && session.token === s.token) return;
    // Another tab started or switched the conversation: follow it.
    disconnect();
    openChat(s, false);
  }

  // ---------------------------------------------------------------- setup

  function init() {
    els = {
      main: byId('main'),
      loading: byId('loading'),
      newChat: byId('new-chat'),
      startScreen: byId('start-screen'),
      startForm: byId('start-form'),
      name: byId('name'),
      email: byId('email'),
      start: byId('start'),
      error: byId('error'),
      chatScreen: byId('chat-screen'),
      scroller: byId('scroller'),
      log: byId('log'),
      messages: byId('messages'),
      waiting: byId('waiting'),
      ended: byId('ended'),
      survey: byId('survey'),
      stars: byId('stars'),
      comment: byId('comment'),
      surveySubmit: byId('survey-submit'),
      thanks: byId('survey-thanks'),
      dock: byId('dock'),
      jump: byId('jump'),
      status: byId('status'),
      hint: byId('composer-hint'),
      composer: byId('composer'),
      message: byId('message'),
      send: byId('send'),
      count: byId('count'),
      starLabels: [],
    };
    els.starLabels = Array.from(els.stars.querySelectorAll('label[data-value]'));

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

    // Composer
    els.composer.addEventListener('submit', (ev) => {
      ev.preventDefault();
      sendMessage();
    });
    els.message.addEventListener('keydown', onMessageKeydown);
    els.message.addEventListener('input', updateCount);

    // Survey
    els.survey.addEventListener('submit', submitSurvey);
    els.survey.addEventListener('change', (ev) => {
      if (ev.target && ev.target.name === 'rating') {
        paintStars(checkedRating());
        updateSurveyButton();
      }
    });
    els.stars.addEventListener('pointerover', (ev) => {
      if (ev.pointerType && ev.pointerType !== 'mouse') return;
      const label = ev.target instanceof Element ? ev.target.closest('label[data-value]') : null;
      if (label && els.stars.contains(label)) paintStars(Number(label.dataset.value));
    });
    els.stars.addEventListener('pointerleave', () => paintStars(checkedRating()));

    // Scrolling
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

    // Connection upkeep
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') reconnectIfNeeded();
    });
    window.addEventListener('online', reconnectIfNeeded);
    window.addEventListener('pageshow', (ev) => {
      if (ev.persisted) reconnectIfNeeded();
    });
    window.addEventListener('storage', onStorage);

    // Go. (Some browsers restore form state on reload: start from a known one.)
    els.start.disabled = false;
    els.send.disabled = false;
    resetSurvey();
    const stored = loadSession();
    if (stored) {
      saveSession(stored);
      if (stored.name) els.name.value = stored.name;
      openChat(stored, false);
    } else {
      showStartScreen();
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
