import { mount } from 'svelte';
import App from './components/App.svelte';
import type { Backend } from './lib/backend';
import './app.css';

async function pickBackend(): Promise<Backend> {
  if ('__TAURI_INTERNALS__' in window) {
    const { TauriBackend } = await import('./lib/tauri-backend');
    return new TauriBackend();
  }
  // A plain browser (npm run dev): the in-memory backend with demo data.
  const { demoBackend } = await import('./lib/demo-data');
  return demoBackend();
}

const target = document.getElementById('app');
if (target) {
  void pickBackend().then((backend) => mount(App, { target, props: { backend } }));
}
