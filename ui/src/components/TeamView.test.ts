// The supervisor's team screen and the unblock screen, against the in-memory backend.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { customer, message, summary, teamMember } from '../lib/fixtures';
import type { Me } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

const SAM: Me = { id: 9, name: 'Sam', email: 'sam@example.com', role: 'supervisor' };
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const member = teamMember;

async function start(me: Me = SAM) {
  const alice = { id: 1, name: 'Alice' };
  const backend = new FakeBackend({
    me,
    conversations: [
      summary(1, {
        customer: customer(1, { name: 'Maria' }),
        state: 'occupied',
        occupant: alice,
        unanswered: { body: 'hello?', waiting_since: minutesAgo(7) },
      }),
      summary(2, { customer: customer(2, { name: 'Olga' }), state: 'occupied', occupant: alice }),
      summary(3, {
        customer: customer(3, { name: 'Quinn' }),
        unanswered: { body: 'anyone?', waiting_since: minutesAgo(3) },
      }),
    ],
    team: [member(1, 'Alice', { capacity: 2 }), member(2, 'Bob', { availability: 'away' }), member(9, 'Sam', { role: 'supervisor' })],
  });
  backend.blocked = [
    {
      customer: customer(50, { name: 'Spammy <b>', blocked: true }),
      blocked_at: '2026-03-12T10:00:00Z',
      blocked_by: { id: 2, name: 'Bob' },
      conversations: [summary(50, { customer: customer(50, { name: 'Spammy <b>', blocked: true }), state: 'spam' })],
      hidden_messages: [message(50, { author: 'customer', body: '<img src=x onerror=alert(1)> sorry!' })],
    },
  ];
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

const agentRow = (id: number) =>
  screen.getAllByTestId('team-agent').find((r) => r.dataset.agentId === String(id))!;

describe('the team screen', () => {
  it('is for supervisors only', async () => {
    await start(ALICE);
    expect(screen.queryByTestId('open-team')).toBeNull();
  });

  it('shows every agent with status, load against capacity, longest wait, and the queue', async () => {
    const { user } = await start();
    await user.click(screen.getByTestId('open-team'));
    await settle();
    expect(screen.getByTestId('team-queue')).toHaveTextContent('Queue: 1 customer waiting, the longest for 3 min');
    const alice = agentRow(1);
    expect(within(alice).getByTestId('team-status')).toHaveTextContent('Available');
    expect(within(alice).getByTestId('team-load')).toHaveTextContent('2 of 2');
    expect(within(alice).getByTestId('team-load')).toHaveClass('full');
    expect(within(alice).getByTestId('team-wait')).toHaveTextContent('7 min');
    expect(alice).toHaveTextContent('Maria');
    expect(alice).toHaveTextContent('Olga');
    expect(within(agentRow(2)).getByTestId('team-status')).toHaveTextContent('Away');
    expect(within(agentRow(2)).getByTestId('team-wait')).toHaveTextContent('—');
  });

  it('frees and transfers from there, and follows the change live', async () => {
    const { backend, user } = await start();
    await user.keyboard('{Control>}{Shift>}t{/Shift}{/Control}');
    await settle();
    const alice = agentRow(1);
    const maria = within(alice)
      .getAllByRole('listitem')
      .find((li) => li.textContent?.includes('Maria'))!;
    await user.click(within(maria).getByTestId('team-free'));
    await settle();
    expect(backend.callsTo('free')).toEqual([[1]]);
    backend.deliver(backend.queued[0].seq);
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    await settle();
    expect(within(agentRow(1)).getByTestId('team-load')).toHaveTextContent('1 of 2');
    expect(screen.getByTestId('team-queue')).toHaveTextContent('Queue: 2 customers waiting');

    await user.click(within(agentRow(1)).getByTestId('team-transfer'));
    // (Only Olga is left with Alice.)
    await settle();
    const dialog = screen.getByTestId('transfer-dialog');
    expect(dialog).toHaveTextContent('Olga');
    // Alice holds it: she is not offered; Sam himself is.
    const offered = within(dialog)
      .getAllByTestId('transfer-agent')
      .map((r) => r.querySelector('.agent-name')?.textContent);
    expect(offered).toEqual(['Bob', 'Sam']);
    await user.click(within(dialog).getAllByRole('radio')[1]);
    await user.click(screen.getByTestId('transfer-confirm'));
    await settle();
    expect(backend.callsTo('transfer')).toEqual([[2, { id: 9, name: 'Sam' }, null]]);
    expect(screen.getByTestId('team-view')).toBeInTheDocument();
  });

  it('sets a capacity, and refuses one that is not a number from 1 to 1000', async () => {
    const { backend, user } = await start();
    await user.click(screen.getByTestId('open-team'));
    await settle();
    const field = within(agentRow(2)).getByTestId('team-capacity');
    await user.type(field, '0');
    await user.click(within(agentRow(2)).getByTestId('team-capacity-save'));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Bob: a capacity is a whole number from 1 to 1000');
    await user.clear(field);
    await user.type(field, '3');
    await user.click(within(agentRow(2)).getByTestId('team-capacity-save'));
    await settle();
    expect(backend.callsTo('setCapacity')).toEqual([[2, 3]]);
    expect(within(agentRow(2)).getByTestId('team-load')).toHaveTextContent('0 of 3');
  });
});

describe('the unblock screen', () => {
  it('lists blocked customers with what they wrote as plain text, and unblocks', async () => {
    const { backend, user } = await start();
    await user.click(screen.getByTestId('open-team'));
    await settle();
    const b = screen.getByTestId('blocked-customer');
    expect(b).toHaveTextContent('Spammy <b>');
    expect(b).toHaveTextContent('by Bob');
    expect(b).toHaveTextContent('<img src=x onerror=alert(1)> sorry!');
    expect(b.querySelector('img')).toBeNull();
    await user.click(within(b).getByTestId('unblock'));
    await settle();
    expect(backend.callsTo('unblock')).toEqual([[50]]);
    expect(screen.queryByTestId('blocked-customer')).toBeNull();
    expect(screen.getByTestId('blocked-customers')).toHaveTextContent('Nobody is blocked.');
    expect(within(screen.getByTestId('list-queue')).getAllByTestId('row').map((r) => r.dataset.id)).toContain('50');
  });
});
