import './lib/startup-begin';
import './lib/early';
import { mount } from 'svelte';
import App from './components/App.svelte';
import type { Backend } from './lib/backend';
import { TauriBackend } from './lib/tauri-backend';
import './app.css';
import { startupMark } from './lib/startup';
import { setLanguage } from './lib/i18n.svelte';

startupMark('script');

async function pickBackend(): Promise<Backend> {
  // In the same chunk as the app: a second fetch would delay every launch.
  if ('__TAURI_INTERNALS__' in window) return new TauriBackend();
  // A plain browser (npm run dev): the in-memory backend with demo data.
  const { demoBackend } = await import('./lib/demo-data');
  return demoBackend();
}

const target = document.getElementById('app');
if (target) {
  void pickBackend().then(async (backend) => {
    startupMark('backend');
    // The first screen already in the agent's language (English if this fails).
    try {
      const l = await backend.language();
      setLanguage(l.language, l.locale);
    } catch {
      setLanguage('en');
    }
    mount(App, { target, props: { backend } });
  });
}
