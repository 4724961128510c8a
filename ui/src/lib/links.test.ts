import { describe, expect, it } from 'vitest';
import { splitLinks } from './links';

const links = (text: string) => splitLinks(text).filter((p) => p.url).map((p) => p.url);

describe('link detection', () => {
  it('finds http, https and mailto links', () => {
    expect(links('see https://example.com/a?b=1 and http://x.org or mailto:bob@example.com')).toEqual([
      'https://example.com/a?b=1',
      'http://x.org/',
      'mailto:bob@example.com',
    ]);
  });

  it('leaves every other scheme as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox',
      'ftp://example.com',
    ]) {
      expect(links(text)).toEqual([]);
    }
  });

  it('keeps the whole text, in order', () => {
    const text = 'Go to (https://example.com/path). Then javascript:alert(1), done!';
    expect(splitLinks(text).map((p) => p.text).join('')).toBe(text);
  });

  it('leaves trailing punctuation and unmatched brackets out of the link', () => {
    expect(links('Try https://example.com/x.')).toEqual(['https://example.com/x']);
    expect(links('(see https://example.com/x)')).toEqual(['https://example.com/x']);
    expect(links('https://en.wikipedia.org/wiki/Foo_(bar)')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)']);
  });

  it('does not link a scheme glued to a word, nor one without a host', () => {
    expect(links('xhttps://example.com')).toEqual([]);
    expect(links('https://')).toEqual([]);
    expect(links('mailto:')).toEqual([]);
  });

  it('stops a link at bidi controls', () => {
    expect(links('https://example.com\u202Eevil')).toEqual(['https://example.com/']);
  });
});
