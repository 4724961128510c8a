// Finds the links in customer text. Only http, https and mailto URLs become
// clickable; everything else (javascript:, data:, file:, …) stays plain text.

export type TextPart = { text: string; url: null } | { text: string; url: string };

const CANDIDATE = /\b(?:https?:\/\/|mailto:)[^\s<>"'`\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]+/gi;
const TRAILING = /[.,;:!?…'"»]+$/;
const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const ALLOWED = new Set(['http:', 'https:', 'mailto:']);

/** Drops trailing punctuation and closing brackets that have no opener inside. */
function trim(candidate: string): string {
  let s = candidate;
  for (;;) {
    const before = s;
    s = s.replace(TRAILING, '');
    const last = s.at(-1);
    if (last && last in CLOSERS) {
      const opener = CLOSERS[last];
      const opens = s.split(opener).length - 1;
      const closes = s.split(last).length - 1;
      if (closes > opens) s = s.slice(0, -1);
    }
    if (s === before) return s;
  }
}

/** The URL to open, or null when `text` is not an openable link. */
export function safeUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!ALLOWED.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') return url.pathname.includes('@') ? url.href : null;
  return url.hostname ? url.href : null;
}

/** Splits text into plain parts and link parts, in order; joined, they give back `text`. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const shown = trim(match[0]);
    const url = safeUrl(shown);
    if (!url) continue;
    if (start > at) parts.push({ text: text.slice(at, start), url: null });
    parts.push({ text: shown, url });
    at = start + shown.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), url: null });
  return parts;
}
