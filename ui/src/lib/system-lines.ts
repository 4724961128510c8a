// A system line in the agent's language, from what it says (`system`); a line
// from before, or of a kind this build does not know, shows its English body.
import { duration, elapsed } from './format';
import { t } from './i18n.svelte';
import type { Message } from './types';

export function systemText(m: Message): string {
  const s = m.system;
  const name = m.agent?.name ?? '';
  if (!s) return m.body;
  switch (s.kind) {
    case 'taken':
      return t('sys-taken', { name });
    case 'freed':
      return t('sys-freed', { name });
    case 'ended':
      return t('sys-ended', { name });
    case 'reopened':
      return t('sys-reopened', { name });
    case 'reported_spam':
      return t('sys-reported-spam', { name });
    case 'transferred':
      return s.note
        ? t('sys-transferred-note', { name, to: s.to, note: s.note })
        : t('sys-transferred', { name, to: s.to });
    case 'returned_unanswered': {
      const ms = s.after_secs * 1000;
      return t('sys-returned-unanswered', {
        from: s.from,
        wait: s.after_secs >= 60 ? elapsed(ms) : duration(Math.max(ms, 1000)),
      });
    }
    case 'returned_removed':
      return t('sys-returned-removed', { from: s.from });
    case 'text_failed':
      return t('sys-text-failed', { text: s.text, to: s.to, reason: s.reason });
    case 'texted_stop':
      return t('sys-texted-stop');
    case 'texted_start':
      return t('sys-texted-start');
    default:
      return m.body;
  }
}
