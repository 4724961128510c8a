import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { BOB } from '../lib/fixtures';
import { setLanguage } from '../lib/i18n.svelte';
import { localDate } from '../lib/report-range';
import type { ChatFigures, ChatReport } from '../lib/types';
import { renderWith, settle } from '../test-utils';
import ReportView from './ReportView.svelte';

const figures = (over: Partial<ChatFigures> = {}): ChatFigures => ({
  handled: 12,
  ended: 10,
  surveys_requested: 8,
  surveys_answered: 6,
  response_rate: 0.75,
  average_rating: 4.333,
  rating_counts: [0, 1, 0, 2, 3],
  subjects: [
    { subject: 'Billing', count: 6 },
    { subject: null, count: 4 },
  ],
  moods: [{ mood: 'happy', count: 10 }],
  median_first_response_ms: 210_000,
  median_handling_ms: 3_720_000,
  ...over,
});

function backendFor(role: 'agent' | 'supervisor') {
  const backend = new FakeBackend({ me: { ...ALICE, role }, agents: [{ id: 1, name: 'Alice' }, BOB] });
  backend.chatReport = vi.fn(async (from: string, to: string, agentId: number | null): Promise<ChatReport> => {
    const alice = { agent: { id: 1, name: 'Alice' }, figures: figures() };
    const bob = { agent: BOB, figures: figures({ handled: 3, ended: 2 }) };
    const agents = role === 'agent' ? [alice] : agentId === null ? [alice, bob] : agentId === 2 ? [bob] : [alice];
    return { from, to, agents, total: figures({ handled: 15, ended: 12 }) };
  });
  return backend;
}

describe('chat report', () => {
  it('asks for the last seven days, from local midnight to the midnight after today', async () => {
    const backend = backendFor('agent');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    const today = new Date();
    const weekAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6);
    expect(screen.getByTestId('report-from')).toHaveValue(localDate(weekAgo));
    expect(screen.getByTestId('report-to')).toHaveValue(localDate(today));
    const [from, to, agentId] = vi.mocked(backend.chatReport).mock.calls[0];
    expect(new Date(from).getTime()).toBe(weekAgo.getTime());
    expect(new Date(to).getTime()).toBe(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime());
    expect(agentId).toBeNull();
  });

  it("shows an agent's own figures, without a total or an agent picker", async () => {
    const backend = backendFor('agent');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    const table = screen.getByTestId('report-table');
    const [row] = within(table).getAllByRole('row').slice(1);
    expect(row).toHaveTextContent('Alice');
    expect(row).toHaveTextContent('6 / 8');
    expect(row).toHaveTextContent('75%');
    expect(row).toHaveTextContent('4.3');
    expect(row).toHaveTextContent('3 min 30 s');
    expect(row).toHaveTextContent('1 h 2 min');
    expect(row).toHaveTextContent('Billing (6)');
    expect(row).toHaveTextContent("I don't know (4)");
    expect(row).toHaveTextContent('Happy (10)');
    expect(within(table).queryByText('All agents')).toBeNull();
    expect(screen.queryByTestId('report-agent')).toBeNull();
    expect(screen.getByRole('img', { name: /Ratings: 1★ 0, 2★ 1, 3★ 0, 4★ 2, 5★ 3/ })).toBeInTheDocument();
  });

  it('shows supervisors every agent with a total, and one agent when picked', async () => {
    const backend = backendFor('supervisor');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    const table = screen.getByTestId('report-table');
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(within(table).getByText('All agents').closest('tr')).toHaveTextContent('15');
    expect(screen.getByRole('img', { name: /Conversations ended per agent: Alice 10, Bob 2/ })).toBeInTheDocument();
    await userEvent.setup().selectOptions(screen.getByTestId('report-agent'), 'Bob');
    await settle();
    expect(vi.mocked(backend.chatReport).mock.calls.at(-1)?.[2]).toBe(2);
    expect(within(screen.getByTestId('report-table')).queryByText('All agents')).toBeNull();
  });

  it('exports the CSV and says where it went', async () => {
    const backend = backendFor('agent');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    await userEvent.setup().click(screen.getByTestId('report-export'));
    await settle();
    expect(backend.callsTo('exportChatReport')).toHaveLength(1);
    expect(screen.getByRole('status')).toHaveTextContent(/^Saved to \/home\/agent\/Downloads\/chat-report-.*\.csv$/);
  });

  it('refuses a backwards range', async () => {
    const backend = backendFor('agent');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    const user = userEvent.setup();
    const from = screen.getByTestId('report-from');
    await user.clear(from);
    await user.type(from, '2999-01-01');
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a start date on or before the end date.');
    expect(screen.getByTestId('report-export')).toBeDisabled();
  });
});

describe('the chat report in French', () => {
  afterEach(() => setLanguage('en'));

  it('shows its headers, figures and words in French', async () => {
    setLanguage('fr', 'fr-FR');
    const backend = backendFor('supervisor');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    expect(screen.getByRole('heading', { name: 'Rapport des conversations' })).toBeInTheDocument();
    const table = screen.getByTestId('report-table');
    expect(within(table).getByRole('columnheader', { name: 'Taux de réponse' })).toBeInTheDocument();
    expect(within(table).getByRole('columnheader', { name: 'Note moyenne' })).toBeInTheDocument();
    const total = within(table).getByText('Tous les agents').closest('tr')!;
    expect(total).toHaveTextContent('4,3');
    expect(total).toHaveTextContent(/75\s%/);
    expect(total).toHaveTextContent('Je ne sais pas (4)');
    expect(total).toHaveTextContent('Content (10)');
    expect(screen.getByRole('img', { name: /^Notes\u00a0: 1★ 0, 2★ 1/ })).toBeInTheDocument();
  });

  it('follows a change of language at once', async () => {
    const backend = backendFor('agent');
    renderWith(ReportView, { me: backend.me, onClose: () => {} }, backend);
    await settle();
    expect(screen.getByRole('columnheader', { name: 'Response rate' })).toBeInTheDocument();
    setLanguage('fr', 'fr-FR');
    await settle();
    expect(screen.getByRole('columnheader', { name: 'Taux de réponse' })).toBeInTheDocument();
    expect(screen.queryByRole('columnheader', { name: 'Response rate' })).toBeNull();
  });
});
