// What the in-memory backend computes the way the server would: report
// figures, the team at a glance.
import type { AgentRef, ChatFigures, ChatReport, ConversationSummary, Team, TeamMember } from './types';

function counted<K extends string>(keys: K[]): { key: K; count: number }[] {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
}

export function figures(ended: ConversationSummary[]): ChatFigures {
  const ratings = ended.flatMap((c) => (c.survey ? [c.survey.rating] : []));
  const subjects = ended.map((c) => {
    const s = c.closure?.questionnaire.subject;
    return !s || s === 'dont_know' ? '' : s.known;
  });
  return {
    handled: ended.length,
    ended: ended.length,
    surveys_requested: ended.length,
    surveys_answered: ratings.length,
    response_rate: ended.length ? ratings.length / ended.length : null,
    average_rating: ratings.length ? ratings.reduce((a, b) => a + b, 0) / ratings.length : null,
    rating_counts: [1, 2, 3, 4, 5].map((r) => ratings.filter((x) => x === r).length),
    subjects: counted(subjects).map(({ key, count }) => ({ subject: key || null, count })),
    moods: counted(ended.map((c) => c.closure?.questionnaire.mood ?? 'dont_know')).map(({ key, count }) => ({
      mood: key,
      count,
    })),
    median_first_response_ms: ended.length ? 95_000 : null,
    median_handling_ms: ended.length ? 12 * 60_000 + 30_000 : null,
  };
}

/** The team as the server reports it: each member's load and longest wait, the queue. */
export function teamOf(members: Omit<TeamMember, 'load'>[], conversations: ConversationSummary[]): Team {
  const waits = (list: ConversationSummary[]) =>
    list
      .map((c) => c.unanswered?.waiting_since)
      .filter((w): w is string => !!w)
      .sort()[0] ?? null;
  const queue = conversations.filter((c) => c.state === 'not_assigned' && !c.customer.blocked);
  return {
    agents: members.map((m) => {
      const held = conversations.filter((c) => c.state === 'occupied' && c.occupant?.id === m.id);
      return { ...m, load: held.length, oldest_wait_since: waits(held) };
    }),
    queue_length: queue.length,
    queue_oldest_wait_since: waits(queue),
  };
}

/** The chat report of `agents` over conversations closed in [from, to). */
export function reportOf(conversations: ConversationSummary[], agents: AgentRef[], from: string, to: string): ChatReport {
  const start = Date.parse(from);
  const end = Date.parse(to);
  const ended = conversations.filter((c) => {
    const at = c.closure ? Date.parse(c.closure.closed_at) : NaN;
    return at >= start && at < end;
  });
  return {
    from,
    to,
    agents: agents.map((agent) => ({
      agent,
      figures: figures(ended.filter((c) => c.closure?.closed_by.id === agent.id)),
    })),
    total: figures(ended.filter((c) => agents.some((a) => a.id === c.closure?.closed_by.id))),
  };
}
