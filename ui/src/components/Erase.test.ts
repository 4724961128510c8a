// Erasing a customer from the app: supervisors, on an ended conversation; the
// dialog says what goes, asks first, and shows the server's refusal.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { customer, message, summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const closure = {
  closed_at: '2026-11-01T10:00:00Z',
  closed_by: { id: ALICE.id, name: ALICE.name },
  questionnaire: { subject: 'dont_know' as const, mood: 'happy' as const },
};

async function start(role: 'agent' | 'supervisor') {
  const quentin = customer(7, { name: 'Quentin Marmot', email: 'quentin@example.org' });
  const olga = customer(8, { name: 'Olga' });
  const backend = new FakeBackend({
    me: { ...ALICE, role },
    conversations: [
      summary(1, { state: 'archived', customer: quentin, closure }),
      summary(2, { state: 'archived', customer: olga, closure }),
      summary(3, { customer: olga }),
    ],
    messages: [message(1, { body: 'my zanzibar parcel' }), message(2, { body: 'hello' })],
  });
  render(App, { props: { backend } });
  await settle();
  const user = userEvent.setup();
  const open = async (id: number) => {
    await user.click(document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${id}"]`)!);
    await settle();
  };
  return { backend, user, open };
}

describe('erasing a customer', () => {
  it('is offered to supervisors on an ended conversation, asks first, and empties it', async () => {
    const { backend, user, open } = await start('supervisor');
    await open(1);
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Quentin Marmot');
    expect(screen.getByText('my zanzibar parcel')).toBeInTheDocument();
    await user.click(screen.getByTestId('erase-customer'));
    const dialog = screen.getByRole('dialog', { name: 'Erase customer' });
    expect(dialog).toHaveTextContent('Erase Quentin Marmot?');
    expect(dialog).toHaveTextContent('cannot be undone');
    // Cancel is the default, and does nothing.
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(backend.callsTo('eraseCustomer')).toEqual([]);

    await user.click(screen.getByTestId('erase-customer'));
    await user.click(screen.getByTestId('erase-confirm'));
    await settle();
    expect(backend.callsTo('eraseCustomer')).toEqual([[7]]);
    expect(screen.queryByRole('dialog', { name: 'Erase customer' })).toBeNull();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Erased customer');
    expect(screen.queryByText('my zanzibar parcel')).toBeNull();
    // Nothing more to erase.
    expect(screen.queryByTestId('erase-customer')).toBeNull();
  });

  it('shows the refusal when the customer still has an open conversation', async () => {
    const { backend, user, open } = await start('supervisor');
    await open(2);
    await user.click(screen.getByTestId('erase-customer'));
    await user.click(screen.getByTestId('erase-confirm'));
    await settle();
    expect(backend.callsTo('eraseCustomer')).toEqual([[8]]);
    expect(screen.getByRole('alert')).toHaveTextContent('open conversation');
    expect(screen.getByRole('dialog', { name: 'Erase customer' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Olga');
  });

  it('is not offered to agents', async () => {
    const { open } = await start('agent');
    await open(1);
    expect(screen.getByTestId('reopen')).toBeInTheDocument();
    expect(screen.queryByTestId('erase-customer')).toBeNull();
  });
});
