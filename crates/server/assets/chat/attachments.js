// @ts-check
/*
 * The files in the conversation. Each is fetched with the session's token into
 * a blob: URL (the only images the page's CSP admits besides its own): an image
 * shows as its thumbnail and opens full size in the viewer; any other file is a
 * button that downloads it under its name. Names are the sender's: text only.
 */

import { downloadFile, errorMessage } from './api.js';
import { els, showError } from './dom.js';
import { put, t } from './i18n.js';
import { session } from './session.js';

/** @typedef {import('./protocol').Attachment} Attachment */
/** @typedef {import('./i18n.js').Phrase} Phrase */

/** @type {Map<string, Promise<string>>} conversation/attachment/kind -> a blob: URL */
const urls = new Map();

/**
 * A file's content as a blob: URL, fetched once.
 * @param {Attachment} a
 * @param {boolean} thumbnail
 * @returns {Promise<string>}
 */
function blobUrl(a, thumbnail) {
  const s = session;
  if (!s) return Promise.reject(new Error(t({ id: 'chat-error-ended' })));
  const key = s.conversation_id + '/' + a.id + (thumbnail ? '/thumbnail' : '');
  let url = urls.get(key);
  if (!url) {
    url = downloadFile(s.conversation_id, s.token, a, thumbnail).then((blob) =>
      URL.createObjectURL(blob)
    );
    url.catch(() => urls.delete(key)); // a failure is tried again next time
    urls.set(key, url);
  }
  return url;
}

/** Lets go of every fetched file (the conversation is no longer shown). */
export function forgetFiles() {
  for (const url of urls.values()) url.then(URL.revokeObjectURL, () => {});
  urls.clear();
}

/**
 * The attachments of a message from the server (untrusted): those that check out.
 * @param {unknown} list
 * @returns {Attachment[]}
 */
export function attachmentsOf(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((a) => {
    if (!a || typeof a !== 'object') return false;
    const o = /** @type {Record<string, unknown>} */ (a);
    return typeof o.id === 'number' && typeof o.name === 'string' && typeof o.size === 'number';
  });
}

/**
 * A size for people: 912 bytes, 48 KB, 2.4 MB (2,4 Mo in French).
 * @param {number} n
 * @returns {Phrase}
 */
function sizeText(n) {
  if (n < 1024) return { id: 'chat-size-bytes', args: { n } };
  if (n < 1024 * 1024) return { id: 'chat-size-kb', args: { n: Math.round(n / 1024) } };
  return { id: 'chat-size-mb', args: { n: Math.round((n / (1024 * 1024)) * 10) / 10 } };
}

/** @param {Attachment} a */
async function download(a) {
  try {
    const link = document.createElement('a');
    link.href = await blobUrl(a, false);
    link.download = a.name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } catch (err) {
    showError(errorMessage(err) || { id: 'chat-download-failed', args: { name: a.name } });
  }
}

/** @param {Attachment} a */
async function view(a) {
  els.viewerName.textContent = a.name;
  els.viewerImage.alt = a.name;
  els.viewerImage.removeAttribute('src');
  els.viewerSave.removeAttribute('href');
  els.viewerSave.download = a.name;
  if (!els.viewer.open) els.viewer.showModal();
  try {
    const url = await blobUrl(a, false);
    if (els.viewerName.textContent !== a.name) return; // another opened meanwhile
    els.viewerImage.src = url;
    els.viewerSave.href = url;
  } catch (err) {
    els.viewer.close();
    showError(errorMessage(err) || { id: 'chat-open-failed', args: { name: a.name } });
  }
}

/** @param {Attachment} a */
function imageButton(a) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'thumb';
  button.title = a.name;
  const img = document.createElement('img');
  img.alt = a.name;
  img.decoding = 'async';
  button.append(img);
  button.addEventListener('click', () => view(a));
  blobUrl(a, a.thumbnail === true).then(
    (url) => {
      img.src = url;
    },
    () => {
      // No picture: the name still opens it.
      button.classList.add('broken');
      img.remove();
      button.textContent = a.name;
    }
  );
  return button;
}

/** @param {Attachment} a */
function fileButton(a) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'file';
  const name = document.createElement('span');
  name.className = 'file-name';
  name.dir = 'auto';
  name.textContent = a.name;
  const size = document.createElement('span');
  size.className = 'file-size';
  put(size, sizeText(a.size));
  button.append(name, size);
  put(button, { id: 'chat-file', args: { name: a.name, size: sizeText(a.size) } });
  button.addEventListener('click', () => download(a));
  return button;
}

/**
 * A message's files, drawn.
 * @param {Attachment[]} list
 */
export function attachmentList(list) {
  const ul = document.createElement('ul');
  ul.className = 'files';
  for (const a of list) {
    const li = document.createElement('li');
    li.append(a.image === true ? imageButton(a) : fileButton(a));
    ul.append(li);
  }
  return ul;
}

/** The viewer closes with its button, Escape (the dialog's own) or a click beside the image. */
export function watchViewer() {
  els.viewerClose.addEventListener('click', () => els.viewer.close());
  els.viewer.addEventListener('click', (ev) => {
    if (ev.target === els.viewer) els.viewer.close();
  });
}
