// The app over the in-memory backend with a fixed set of conversations, for
// the App tests (App.test.ts, AppWide.test.ts).
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { ALICE, FakeBackend, type FakeOptions } from '../lib/fake-backend';
import { BOB, message, summary } from '../lib/fixtures';
import type { ConversationSummary } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

export const aliceRef = { id: ALICE.id, name: ALICE.name };

export function conversations(): ConversationSummary[] {
  return [
    summary(1, {
      state: 'occupied',
      occupant: aliceRef,
      unanswered: { body: 'Are you there?', waiting_since: new Date(Date.now() - 4 * 60_000).toISOString() },
      previous_conversation_id: 4,
    }),
    summary(2, { customer: { ...summary(2).customer, name: 'Queued Quinn' } }),
    summary(3, { state: 'occupied', occupant: BOB }),
    summary(4, {
      state: 'archived',
      closure: {
        closed_at: '2026-03-10T15:30:00Z',
        closed_by: aliceRef,
        questionnaire: { subject: { known: 'Billing' }, mood: 'unhappy' },
      },
      survey: { rating: 4, comment: 'Helpful', answered_at: '2026-03-10T16:00:00Z' },
    }),
    summary(5, {
      state: 'archived',
      closure: { closed_at: '2026-03-09T10:00:00Z', closed_by: aliceRef, questionnaire: { subject: 'dont_know', mood: 'dont_know' } },
    }),
  ];
}

export const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert("x")</script>',
  '\u202Egnp.exe',
  'Z̷̢̛̛̛a̸̧̛̛l̵̨̛̛g̶̢̛̛o̷̢̊̊',
  'a'.repeat(5000),
  '<a href="javascript:alert(1)">click</a> javascript:alert(2) <iframe src="https://evil.example"></iframe>',
];

export function backendWith(options: FakeOptions = {}) {
  return new FakeBackend({
    conversations: conversations(),
    messages: [
      message(1, { body: 'Hello, my parcel is late' }),
      message(1, { author: 'system', agent: aliceRef, body: 'Taken by Alice' }),
      message(1, { author: 'agent', agent: aliceRef, body: 'Let me check. See https://example.com/track?id=1.' }),
      message(4, { body: 'My invoice is wrong' }),
      ...HOSTILE.map((body) => message(5, { body })),
    ],
    ...options,
  });
}

export async function start(options: FakeOptions = {}) {
  const backend = backendWith(options);
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

export const row = (id: number) => document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${id}"]`)!;

export async function openConversation(id: number) {
  row(id).click();
  await settle();
  return screen.getByTestId('conversation');
}

