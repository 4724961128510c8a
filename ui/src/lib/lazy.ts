// Screens and dialogs the first screen does not show, each in its own chunk:
// the launch benchmark counts every kilobyte of script the webview parses and
// runs before the inbox is drawn. They are fetched on first use (a few ms from
// the app's own protocol), and all of them shortly after launch, so a dialog
// opened from the keyboard shows at once.
import type { Component } from 'svelte';

/** A component fetched on first use. */
export class Lazy<P extends Record<string, unknown>> {
  /** The component, once fetched. */
  component: Component<P> | undefined = undefined;
  #loading: Promise<Component<P>> | undefined;
  readonly #importer: () => Promise<{ default: Component<P> }>;

  constructor(importer: () => Promise<{ default: Component<P> }>) {
    this.#importer = importer;
  }

  load(): Promise<Component<P>> {
    this.#loading ??= this.#importer().then((m) => (this.component = m.default));
    return this.#loading;
  }
}

export const screens = {
  signIn: new Lazy(() => import('../components/SignIn.svelte')),
  report: new Lazy(() => import('../components/ReportView.svelte')),
  team: new Lazy(() => import('../components/TeamView.svelte')),
  end: new Lazy(() => import('../components/EndDialog.svelte')),
  spam: new Lazy(() => import('../components/SpamDialog.svelte')),
  transfer: new Lazy(() => import('../components/TransferDialog.svelte')),
  settings: new Lazy(() => import('../components/SettingsDialog.svelte')),
  help: new Lazy(() => import('../components/HelpOverlay.svelte')),
};

/** Fetches every lazy screen (after launch; before component tests). */
export function preloadScreens(): Promise<unknown> {
  return Promise.all(Object.values(screens).map((s) => s.load()));
}
