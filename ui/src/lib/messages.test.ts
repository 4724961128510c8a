import { afterEach, describe, expect, it } from 'vitest';
import { BackendError } from './backend';
import { setLanguage } from './i18n.svelte';
import { errorMessage, signInMessage } from './messages';

afterEach(() => setLanguage('en'));

describe('error messages', () => {
  it('are the server’s own, specific words in English', () => {
    expect(errorMessage(new BackendError('conversation_taken', 'Bob has already taken this conversation'))).toBe(
      'Bob has already taken this conversation',
    );
    // An outbox item's status carries {code, message} too.
    expect(errorMessage({ code: 'agent_unavailable', message: 'Cleo is away' })).toBe('Cleo is away');
  });

  it('are the catalog’s words for the code in French, with the detail only where it says what', () => {
    setLanguage('fr');
    expect(errorMessage(new BackendError('conversation_taken', 'Bob has already taken this conversation'))).toBe(
      'Un autre agent a pris cette conversation.',
    );
    expect(errorMessage(new BackendError('unreachable', 'the server cannot be reached'))).toBe(
      'Le serveur est injoignable. Réessayez une fois de nouveau en ligne.',
    );
    expect(errorMessage(new BackendError('invalid_field', 'subject is not in the list'))).toBe(
      'Vérifiez votre saisie\u00a0: subject is not in the list',
    );
    // A code from a newer server than this app.
    expect(errorMessage({ code: 'brand_new', message: 'what it says' })).toBe('Un problème est survenu\u00a0: what it says');
    expect(errorMessage(new Error('boom'))).toBe('Un problème est survenu\u00a0: boom');
  });

  it('at sign-in, say what to do', () => {
    setLanguage('fr');
    expect(signInMessage(new BackendError('invalid_credentials', 'wrong email or password'))).toBe(
      'E-mail ou mot de passe incorrect',
    );
    expect(signInMessage(new BackendError('unauthorized', 'x'))).toBe('Votre session a pris fin. Reconnectez-vous.');
  });
});
