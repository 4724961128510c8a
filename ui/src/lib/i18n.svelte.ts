// The UI's words in the agent's language: Project Fluent catalogs
// (locales/<language>/ui/*.ftl at the repository's top, the same format as
// the Rust side's), built into the app. `t('id', {var})` is checked against
// the English catalogs at type-check time (src/lib/i18n-keys.ts). English is
// complete and the fallback; adding a language is adding its folder.
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import type { MessageArgs, MessageId } from './i18n-keys';

const sources = import.meta.glob('../../../locales/*/ui/*.ftl', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const bundles = new Map<string, FluentBundle>();
for (const [path, text] of Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))) {
  const tag = path.split('/').at(-3) ?? 'en';
  let bundle = bundles.get(tag);
  if (!bundle) {
    // Plain text: no Unicode isolation marks around variables.
    bundle = new FluentBundle(tag, { useIsolating: false });
    bundles.set(tag, bundle);
  }
  bundle.addResource(new FluentResource(text));
}

let current = $state('en');
/** The locale dates and numbers follow (the OS's region with the chosen language). */
let formats = $state<string | undefined>(undefined);

/** The languages the UI has, English first. */
export function languages(): string[] {
  return [...bundles.keys()].sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}

/**
 * Shows the UI in `tag` (one of `languages()`; anything else is English),
 * with dates and numbers as `locale` writes them (`fr-CA`; by default the
 * language's own).
 */
export function setLanguage(tag: string, locale?: string): void {
  current = bundles.has(tag) ? tag : 'en';
  formats = locale ?? current;
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** The language shown now. */
export function language(): string {
  return current;
}

/** The locale for Intl formatters (dates, times, numbers). */
export function formatLocale(): string | undefined {
  return formats;
}

/** The ids of messages without variables (for tables of ids chosen at run time). */
export type PlainMessageId = { [K in MessageId]: MessageArgs[K] extends null ? K : never }[MessageId];

type Args<K extends MessageId> = MessageArgs[K] extends null ? [] : [MessageArgs[K]];

function format(bundle: FluentBundle, id: string, args?: Record<string, FluentVariable>): string | null {
  const dot = id.indexOf('.');
  const message = bundle.getMessage(dot < 0 ? id : id.slice(0, dot));
  const pattern = dot < 0 ? message?.value : message?.attributes[id.slice(dot + 1)];
  if (!pattern) return null;
  const errors: Error[] = [];
  const text = bundle.formatPattern(pattern, args, errors);
  if (errors.length && import.meta.env.DEV) console.warn(`i18n ${id}:`, errors);
  return text;
}

/** Message `id` in the language shown (English where it lacks one). Reactive. */
export function t<K extends MessageId>(id: K, ...args: Args<K>): string {
  const vars = args[0] as Record<string, FluentVariable> | undefined;
  for (const tag of [current, 'en']) {
    const bundle = bundles.get(tag);
    const text = bundle && format(bundle, id, vars);
    if (text !== null && text !== undefined) return text;
  }
  return id;
}
