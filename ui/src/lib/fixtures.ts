// Builders for wire values, shared by the tests and the demo data.
import type { AgentRef, AppSettings, ConversationSummary, Customer, Message, TeamMember } from './types';

export const BOB: AgentRef = { id: 2, name: 'Bob' };

export function customer(id: number, overrides: Partial<Customer> = {}): Customer {
  return {
    id,
    name: `Customer ${id}`,
    email: `customer${id}@example.com`,
    phone: null,
    blocked: false,
    sms_opted_out: false,
    ...overrides,
  };
}

export function summary(id: number, overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id,
    customer: customer(id),
    state: 'not_assigned',
    channel: 'web',
    occupant: null,
    created_at: '2026-03-12T09:00:00Z',
    last_message_at: '2026-03-12T09:00:00Z',
    unanswered: null,
    closure: null,
    survey: null,
    previous_conversation_id: null,
    version: 1,
    seen_message_id: null,
    ...overrides,
  };
}

/** A colleague as the team list shows them (the fake backend counts the load). */
export function teamMember(id: number, name: string, extra: Partial<TeamMember> = {}): Omit<TeamMember, 'load'> {
  return {
    id,
    name,
    role: 'agent',
    availability: 'available',
    connected: true,
    availability_since: null,
    capacity: null,
    oldest_wait_since: null,
    ...extra,
  };
}

let nextId = 1;

export function message(conversationId: number, overrides: Partial<Message> = {}): Message {
  return {
    id: nextId++,
    conversation_id: conversationId,
    author: 'customer',
    agent: null,
    body: 'Hello',
    created_at: '2026-03-12T09:00:00Z',
    attachments: [],
    ...overrides,
  };
}

/** The app's settings as a new install has them. */
export function defaultSettings(overrides: Partial<AppSettings> = {}): AppSettings {
  return {
    reminder_minutes: 2,
    do_not_disturb: false,
    snoozed_until: null,
    attention: true,
    sound: true,
    start_at_login: false,
    close_to_tray: false,
    away_when_idle_secs: null,
    file_cache_mib: 500,
    archive_months: null,
    language: null,
    ...overrides,
  };
}
