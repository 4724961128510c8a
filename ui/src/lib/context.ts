// The Backend reaches components through Svelte context, set once by App.
import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';

const KEY = Symbol('backend');

export function setBackend(backend: Backend): void {
  setContext(KEY, backend);
}

export function getBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error('no Backend in context: render inside App or pass one in tests');
  return backend;
}

/** The context map that provides `backend` (for mounting a component on its own, as tests do). */
export function backendContext(backend: Backend): Map<symbol, Backend> {
  return new Map([[KEY, backend]]);
}
