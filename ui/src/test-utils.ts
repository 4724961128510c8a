// Rendering components against a FakeBackend.
import { render } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { backendContext } from './lib/context';
import { FakeBackend } from './lib/fake-backend';

export function renderWith<Props extends Record<string, unknown>>(
  component: Component<Props>,
  props: Props,
  backend: FakeBackend = new FakeBackend(),
) {
  // Testing Library's generic options type does not narrow through a wrapper like this one.
  const options = { props, context: backendContext(backend) } as Parameters<typeof render<Component<Props>>>[1];
  return { ...render(component, options), backend };
}

/** Lets pending promises and Svelte updates settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
