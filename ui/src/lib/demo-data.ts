// A running FakeBackend full of conversations for `npm run dev` in a plain browser.
// `?as=supervisor` signs in as a supervisor, `?signin` starts at the sign-in screen,
// `?archive=N` sizes the archive, `?open=ID` opens a conversation, `?press=keys`
// presses shortcut keys once started (`^` before a key holds Ctrl+Shift, e.g. `^R`).
// `window.switchboardDemo` is the backend, e.g. `switchboardDemo.setConnection('offline')`.
import { FakeBackend } from './fake-backend';
import { BOB, customer, summary } from './fixtures';
import type { AgentRef, ConversationSummary, Me, Message, Mood } from './types';

const NAMES = ['Ana Lima', 'Kenji Sato', 'Fatima Zahra', 'Olle Berg', 'Priya Nair', 'Tomás Ruiz', 'Mia Wong', 'Lea Roth'];
const LINES = [
  'Hi, my order has not arrived yet.',
  'I was charged twice this month, see https://example.com/invoice/4411.',
  'Can I return the blue jacket?',
  'The app crashes when I open settings.',
  '<img src=x onerror=alert(1)> is what my screen shows',
  'Ｔｈｅ ｌｉｎｋ javascript:alert(1) does nothing',
  '\u202Eright-to-left override\u202C then normal text',
  'Z̷̢̛a̸̧̛l̵̨̛g̶̢̛ȍ̷̢ text',
  'Mail me at mailto:someone@example.com please',
];
const SUBJECTS = ['Billing', 'Shipping', 'Returns', 'Technical problem'];
const MOODS: Mood[] = ['happy', 'neutral', 'unhappy', 'angry', 'dont_know'];

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function person(id: number): ConversationSummary['customer'] {
  const sms = id % 5 === 0;
  return customer(id, {
    name: NAMES[id % NAMES.length],
    email: sms ? null : `customer${id}@example.com`,
    phone: sms ? `+4670${String(1000000 + id).slice(-7)}` : null,
  });
}

function history(id: number, agent: AgentRef | null, start: number): Message[] {
  const lines: Message[] = [];
  const push = (author: Message['author'], body: string, at: number, who: AgentRef | null = null) =>
    lines.push({ id: id * 100 + lines.length, conversation_id: id, author, agent: who, body, created_at: ago(at) });
  push('customer', LINES[id % LINES.length], start);
  if (agent) {
    push('system', `Taken by ${agent.name}`, start - 60_000, agent);
    push('agent', 'Hello! Let me look into that for you.', start - 120_000, agent);
    push('customer', LINES[(id + 3) % LINES.length], start - 180_000);
  }
  return lines;
}

export function demoBackend(params = new URLSearchParams(location.search)): FakeBackend {
  const supervisor = params.get('as') === 'supervisor';
  const me: Me = supervisor
    ? { id: 3, name: 'Sam', email: 'sam@example.com', role: 'supervisor' }
    : { id: 1, name: 'Alice', email: 'alice@example.com', role: 'agent' };
  const meRef: AgentRef = { id: me.id, name: me.name };
  const archiveSize = Number(params.get('archive') ?? 10_000);
  const conversations: ConversationSummary[] = [];
  const minutes = (n: number) => n * 60_000;

  for (let i = 0; i < 4; i++) {
    const id = 100 + i;
    const waiting = i % 2 === 0;
    conversations.push(
      summary(id, {
        customer: person(id),
        channel: id % 5 === 0 ? 'sms' : 'web',
        state: 'occupied',
        occupant: meRef,
        last_message_at: ago(minutes(3 + i * 7)),
        unanswered: waiting ? { body: LINES[(id + 3) % LINES.length], waiting_since: ago(minutes(3 + i * 7)) } : null,
        previous_conversation_id: i === 1 ? 5000 : null,
        language: id % 5 === 0 ? null : id % 3 === 0 ? 'fr' : 'en',
      }),
    );
  }
  for (let i = 0; i < 8; i++) {
    const id = 200 + i;
    conversations.push(
      summary(id, {
        customer: person(id),
        channel: id % 5 === 0 ? 'sms' : 'web',
        last_message_at: ago(minutes(1 + i * 11)),
        unanswered: i % 3 === 2 ? null : { body: LINES[id % LINES.length], waiting_since: ago(minutes(1 + i * 11)) },
        language: id % 5 === 0 ? null : id % 3 === 0 ? 'fr' : 'en',
      }),
    );
  }
  for (let i = 0; i < 3; i++) {
    const id = 300 + i;
    conversations.push(
      summary(id, { customer: person(id), state: 'occupied', occupant: BOB, last_message_at: ago(minutes(20 + i)) }),
    );
  }
  for (let i = 0; i < archiveSize; i++) {
    const id = 5000 + i;
    const closedAt = ago(minutes(30 + i * 37));
    conversations.push(
      summary(id, {
        customer: person(id),
        state: 'archived',
        last_message_at: closedAt,
        closure: {
          closed_at: closedAt,
          closed_by: meRef,
          questionnaire: {
            subject: i % 7 === 6 ? 'dont_know' : { known: SUBJECTS[i % SUBJECTS.length] },
            mood: MOODS[i % MOODS.length],
          },
        },
        survey: i % 3 === 0 ? null : { rating: 1 + (i % 5), comment: i % 4 ? null : 'Quick and kind, thanks!', answered_at: closedAt },
      }),
    );
  }

  const backend = new FakeBackend({
    me,
    session: params.has('signin') ? null : undefined,
    conversations,
    messagesFor: (id) => {
      const c = conversations.find((c) => c.id === id);
      const agent = c?.occupant ?? c?.closure?.closed_by ?? null;
      return history(id, agent, Date.now() - Date.parse(c?.last_message_at ?? ago(0)) + minutes(5));
    },
    subjects: SUBJECTS,
    agents: supervisor ? [{ id: 1, name: 'Alice' }, BOB, meRef] : [meRef],
    autoDeliverMs: 600,
  });

  // Customers keep writing, as in the server's demo mode.
  setInterval(() => {
    const open = [...backend.conversations.values()].filter((c) => c.state === 'occupied' || c.state === 'not_assigned');
    const c = open[Math.floor(Math.random() * open.length)];
    if (c) backend.post(c.id, 'customer', LINES[Math.floor(Math.random() * LINES.length)]);
  }, 20_000);

  (window as unknown as { switchboardDemo: FakeBackend }).switchboardDemo = backend;
  scriptedStart(backend, params);
  return backend;
}

/** Opens a conversation and presses keys once the app is up (for screenshots and manual checks). */
function scriptedStart(backend: FakeBackend, params: URLSearchParams): void {
  const open = params.get('open');
  const keys = params.get('press') ?? '';
  if (!open && !keys) return;
  if (open) setTimeout(() => backend.emit({ type: 'notification_clicked', conversation_id: Number(open) }), 300);
  setTimeout(() => {
    for (const m of keys.matchAll(/\^?./gu)) {
      const chord = m[0].length > 1;
      const key = chord ? m[0].slice(1) : m[0];
      window.dispatchEvent(new KeyboardEvent('keydown', { key, ctrlKey: chord, shiftKey: chord, bubbles: true }));
    }
  }, 600);
}
