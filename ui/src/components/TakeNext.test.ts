// The queue served oldest first, and "Take next", against the in-memory backend.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
const waiting = (id: number, name: string, minutes: number) =>
  summary(id, {
    customer: { ...summary(id).customer, name },
    last_message_at: minutesAgo(minutes),
    unanswered: { body: `${name} asks`, waiting_since: minutesAgo(minutes) },
  });

async function start() {
  const backend = new FakeBackend({
    conversations: [
      // Quinn wrote last but has waited least; Olga has waited longest.
      waiting(1, 'Quinn', 1),
      waiting(2, 'Olga', 12),
      waiting(3, 'Mia', 5),
      summary(4, { customer: { ...summary(4).customer, name: 'Answered Ann' }, last_message_at: minutesAgo(0) }),
    ],
  });
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

const queueNames = () =>
  within(screen.getByTestId('list-queue'))
    .queryAllByTestId('row')
    .map((r) => r.querySelector('.name')?.textContent);

describe('the queue', () => {
  it('is served oldest wait first, with the wait shown, then the customers waiting for nothing', async () => {
    await start();
    expect(queueNames()).toEqual(['Olga', 'Mia', 'Quinn', 'Answered Ann']);
    const olga = within(screen.getByTestId('list-queue')).getAllByTestId('row')[0];
    expect(within(olga).getByTestId('row-status')).toHaveTextContent(/waiting 12 min/);
  });

  it('takes the longest wait with n, then the next with the Take next button', async () => {
    const { backend, user } = await start();
    await user.keyboard('n');
    await settle();
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(screen.getByTestId('conversation')).toHaveTextContent('Olga');
    expect(within(screen.getByTestId('list-mine')).getAllByTestId('row').map((r) => r.dataset.id)).toEqual(['2']);
    expect(queueNames()).toEqual(['Mia', 'Quinn', 'Answered Ann']);

    await user.click(screen.getByTestId('take-next'));
    await settle();
    backend.deliver(backend.queued[0].seq);
    await settle();
    expect(screen.getByTestId('conversation')).toHaveTextContent('Mia');
    expect(queueNames()).toEqual(['Quinn', 'Answered Ann']);
  });
});
