// What a delivered action does to a conversation, by the server's rules, for
// the in-memory backend: the summary's new state and the line it adds (a
// system line for the manual's actions, the agent's own line for a reply);
// what a supervisor's erasure leaves of a customer's conversations; when a
// snooze ends.
import type { AgentRef, ConversationSummary, Erasure, Message, OutboxAction, Snooze, SystemLine } from './types';

/** A line a delivered action adds to the conversation. */
export interface Line {
  author: Message['author'];
  body: string;
  system: SystemLine | null;
}

const now = () => new Date().toISOString();

/** Changes `c` as the server does when it accepts `action` from `me`; the line it adds. */
export function applied(c: ConversationSummary, action: OutboxAction, me: AgentRef): Line {
  const said = (body: string, system: SystemLine): Line => ({ author: 'system', body, system });
  switch (action.type) {
    case 'reply':
      return { author: 'agent', body: action.body, system: null };
    case 'note':
      return { author: 'note', body: action.body, system: null };
    case 'attach':
      return { author: 'agent', body: '', system: null };
    case 'take':
      Object.assign(c, { state: 'occupied', occupant: me });
      return said(`Taken by ${me.name}`, { kind: 'taken' });
    case 'free':
      Object.assign(c, { state: 'not_assigned', occupant: null });
      return said(`Freed by ${me.name}`, { kind: 'freed' });
    case 'end':
      Object.assign(c, {
        state: 'archived',
        occupant: null,
        closure: { closed_at: now(), closed_by: me, questionnaire: { subject: action.subject, mood: action.mood } },
      });
      return said(`Ended by ${me.name}`, { kind: 'ended' });
    case 'reopen':
      Object.assign(c, { state: 'occupied', occupant: me, closure: null, survey: null });
      return said(`Reopened by ${me.name}`, { kind: 'reopened' });
    case 'transfer':
      Object.assign(c, { occupant: action.to });
      return said(`Transferred by ${me.name} to ${action.to.name}` + (action.note ? `. Note: ${action.note}` : ''), {
        kind: 'transferred',
        to: action.to.name,
        note: action.note ?? null,
      });
    case 'spam':
      Object.assign(c, { state: 'spam', occupant: null });
      c.customer.blocked = true;
      return said(`Reported as spam by ${me.name}`, { kind: 'reported_spam' });
  }
}

/** Erases customer `id` from `theirs` (closed conversations) and their lines in `messages`, as the server does; what went. */
export function erased(id: number, theirs: ConversationSummary[], messages: Map<number, Message[]>): Erasure {
  let lines = 0;
  for (const c of theirs) {
    lines += (messages.get(c.id) ?? []).length;
    messages.set(c.id, []);
    c.customer = { ...c.customer, name: 'Erased customer', email: null, phone: null };
    c.unanswered = null;
  }
  return {
    customer_id: id,
    conversations: theirs.length,
    messages: lines,
    attachments: 0,
    surveys: 0,
    texts: 0,
    tokens: theirs.length,
    events: lines,
  };
}

/** When a snooze chosen at `now` ends, as the engine reckons it (null: it does not). */
export function snoozeEnd(choice: Snooze, now: Date): Date | null {
  switch (choice) {
    case 'half_hour':
      return new Date(now.getTime() + 30 * 60_000);
    case 'hour':
      return new Date(now.getTime() + 60 * 60_000);
    case 'until_tomorrow':
      return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 8);
    default:
      return null;
  }
}
