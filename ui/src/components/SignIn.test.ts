import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../lib/backend';
import { FakeBackend } from '../lib/fake-backend';
import type { ClientErrorCode } from '../lib/types';
import { settle } from '../test-utils';
import App from './App.svelte';

async function signInScreen(backend = new FakeBackend({ session: null })) {
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

async function fill(user: ReturnType<typeof userEvent.setup>, email: string, password: string, server?: string) {
  if (server !== undefined) {
    await user.clear(screen.getByTestId('signin-server'));
    await user.type(screen.getByTestId('signin-server'), server);
  }
  await user.type(screen.getByTestId('signin-email'), email);
  await user.type(screen.getByTestId('signin-password'), password);
  await user.click(screen.getByTestId('signin-submit'));
  await settle();
}

describe('sign-in', () => {
  it('starts with the local server address and signs in', async () => {
    const { backend, user } = await signInScreen();
    expect(screen.getByTestId('signin-server')).toHaveValue('http://127.0.0.1:8080');
    await fill(user, 'alice@example.com', 'switchboard-demo');
    expect(backend.callsTo('signIn')).toEqual([['http://127.0.0.1:8080', 'alice@example.com', 'switchboard-demo']]);
    expect(screen.getByTestId('list-mine')).toBeInTheDocument();
  });

  it.each<[ClientErrorCode, string]>([
    ['invalid_credentials', 'Wrong email or password'],
    ['unreachable', 'The server cannot be reached'],
    ['bad_address', 'That is not a valid server address'],
    ['rate_limited', 'Too many attempts'],
    ['internal', 'the database is on fire'],
  ])('explains %s', async (code, text) => {
    const backend = new FakeBackend({ session: null });
    backend.signIn = async () => {
      throw new BackendError(code, 'the database is on fire');
    };
    const { user } = await signInScreen(backend);
    await fill(user, 'alice@example.com', 'nope');
    const alert = screen.getByTestId('signin-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent(text);
  });

  it('passes a typed-in server address through and shows the real fake errors', async () => {
    const { user } = await signInScreen();
    await fill(user, 'alice@example.com', 'switchboard-demo', 'localhost:8080');
    expect(screen.getByTestId('signin-error')).toHaveTextContent('That is not a valid server address');
  });

  it('disables the button while signing in', async () => {
    const backend = new FakeBackend({ session: null });
    let finish!: () => void;
    backend.signIn = () =>
      new Promise((resolve) => {
        finish = () => resolve({ me: backend.me, server: 'http://127.0.0.1:8080', cache_key_kept: 'keychain' });
      });
    const { user } = await signInScreen(backend);
    await fill(user, 'alice@example.com', 'x');
    expect(screen.getByTestId('signin-submit')).toBeDisabled();
    finish();
    await settle();
    expect(screen.queryByTestId('signin-submit')).toBeNull();
  });
});
