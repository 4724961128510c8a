// The lists and the conversation in French: words from the catalogs, plural
// forms by the language's rules (French counts 0 and 1 as one), names as they are.
import { render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { BOB, summary } from '../lib/fixtures';
import { setLanguage } from '../lib/i18n.svelte';
import type { OutboxItem } from '../lib/types';
import { settle } from '../test-utils';
import ActionNotices from './ActionNotices.svelte';
import App from './App.svelte';
import ClosureInfo from './ClosureInfo.svelte';
import ConversationRow from './ConversationRow.svelte';

const NOW = Date.parse('2026-03-12T10:05:00Z');
const TAKE: OutboxItem = {
  seq: 1,
  op_id: 'op-1',
  conversation_id: 1,
  action: { type: 'take' },
  status: { state: 'pending' },
  created_at: '2026-03-12T10:00:00Z',
};

describe('in French', () => {
  afterEach(() => setLanguage('en'));

  it('label rows, and follow a change of language at once', async () => {
    setLanguage('fr');
    render(ConversationRow, {
      props: { c: summary(7, { unanswered: null }), list: 'mine', selected: false, now: NOW, onOpen: () => {} },
    });
    expect(screen.getByTestId('row-status')).toHaveTextContent('Conversation à jour');
    setLanguage('en');
    await settle(1);
    expect(screen.getByTestId('row-status')).toHaveTextContent('Conversation up to date');
  });

  it('name the lists and count their conversations', async () => {
    setLanguage('fr');
    render(App, {
      props: {
        backend: new FakeBackend({
          conversations: [summary(1, { state: 'occupied', occupant: { id: ALICE.id, name: ALICE.name } })],
        }),
      },
    });
    await settle();
    const heading = (list: string) => within(screen.getByTestId(`list-${list}`)).getByRole('heading');
    expect(heading('mine')).toHaveTextContent(/^Mes conversations\s*1 conversation$/);
    expect(heading('queue')).toHaveTextContent(/^Conversations non assignées\s*0 conversation$/);
    expect(screen.getByRole('navigation')).toHaveAccessibleName('Conversations');
    expect(screen.getByRole('button', { name: 'Raccourcis clavier' })).toBeInTheDocument();
    expect(screen.getByText('Choisissez une conversation à gauche.')).toBeInTheDocument();
  });

  it('say how a conversation ended, with the name as given', () => {
    setLanguage('fr');
    render(ClosureInfo, {
      props: {
        closure: {
          closed_at: '2026-03-10T15:30:00Z',
          closed_by: BOB,
          questionnaire: { subject: 'dont_know', mood: 'dont_know' },
        },
        survey: { rating: 4, comment: null, answered_at: '2026-03-10T16:00:00Z' },
      },
    });
    const section = screen.getByRole('region', { name: 'Clôture de la conversation' });
    expect(section).toHaveTextContent(/^Clôturée le .+ par Bob/);
    expect(section.querySelector('bdi')).toHaveTextContent('Bob');
    expect(section).toHaveTextContent('Évaluation du client');
    expect(section).toHaveTextContent('4 sur 5');
  });

  it('put a no-break space before the colon of queued actions', () => {
    setLanguage('fr');
    render(ActionNotices, {
      props: {
        items: [TAKE],
        error: null,
        offline: true,
        onDismiss: () => {},
        onClearError: () => {},
      },
    });
    expect(screen.getByTestId('outbox-pending').textContent?.trim()).toBe('Prendre\u00a0: en attente de connexion');
  });

  it('name who took the conversation first, in French', () => {
    setLanguage('fr');
    const failed: OutboxItem = {
      ...TAKE,
      status: { state: 'failed', code: 'conversation_taken', message: 'Bob has already taken this conversation' },
    };
    const props = { items: [failed], error: null, offline: false, onDismiss: () => {}, onClearError: () => {} };
    const { unmount } = render(ActionNotices, { props: { ...props, holder: 'Bob' } });
    expect(screen.getByTestId('notice')).toHaveTextContent('Bob a déjà pris cette conversation.');
    unmount();
    // Not known (the conversation left the lists): still French, unnamed.
    const { unmount: gone } = render(ActionNotices, { props });
    expect(screen.getByTestId('notice')).toHaveTextContent('Un autre agent a pris cette conversation.');
    gone();
    // A transfer to someone away names them too.
    const transfer: OutboxItem = {
      ...TAKE,
      action: { type: 'transfer', to: { id: 3, name: 'Cleo' }, note: null },
      status: { state: 'failed', code: 'agent_unavailable', message: 'Cleo is away' },
    };
    render(ActionNotices, { props: { ...props, items: [transfer] } });
    expect(screen.getByTestId('notice')).toHaveTextContent("Cleo n'est pas disponible.");
  });
});
