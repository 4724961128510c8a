import { afterEach, describe, expect, it } from 'vitest';
import { message } from './fixtures';
import { setLanguage } from './i18n.svelte';
import { systemText } from './system-lines';
import type { SystemLine } from './types';

const alice = { id: 1, name: 'Alice' };
const line = (system: SystemLine | null, body = 'the English body') =>
  message(1, { author: 'system', agent: alice, body, system });

describe('System lines', () => {
  afterEach(() => setLanguage('en'));

  it('say in English what the server keeps in the body', () => {
    expect(systemText(line({ kind: 'taken' }))).toBe('Taken by Alice');
    expect(systemText(line({ kind: 'transferred', to: 'Bob', note: 'refund approved' }))).toBe(
      'Transferred by Alice to Bob. Note: refund approved',
    );
    expect(systemText(line({ kind: 'returned_unanswered', from: 'Bob', after_secs: 600 }))).toBe(
      'Returned to the queue: no answer from Bob for 10 min',
    );
    expect(systemText(line({ kind: 'returned_unanswered', from: 'Bob', after_secs: 0 }))).toBe(
      'Returned to the queue: no answer from Bob for 1 s',
    );
    expect(systemText(line({ kind: 'text_failed', text: 'survey', to: '+15550100', reason: 'unreachable' }))).toBe(
      'The survey question could not be texted to +15550100: unreachable. It was not delivered.',
    );
  });

  it("say it in the agent's language", () => {
    setLanguage('fr');
    expect(systemText(line({ kind: 'taken' }))).toBe('Prise par Alice');
    expect(systemText(line({ kind: 'reported_spam' }))).toBe('Signalée comme spam par Alice');
    expect(systemText(line({ kind: 'transferred', to: 'Bob', note: null }))).toBe('Transférée par Alice à Bob');
    expect(systemText(line({ kind: 'text_failed', text: 'reply', to: '+15550100', reason: 'x' }))).toBe(
      "Une réponse n'a pas pu être envoyée par SMS au +15550100\u00a0: x. Elle n'a pas été remise.",
    );
  });

  it('show the body of a line from before, or of a kind this build does not know', () => {
    setLanguage('fr');
    expect(systemText(line(null, 'Taken by Alice'))).toBe('Taken by Alice');
    const unknown = { kind: 'from_the_future' } as unknown as SystemLine;
    expect(systemText(line(unknown, 'Something new'))).toBe('Something new');
  });
});
