// Cached rows this version cannot read: the engine sets them aside and says
// so once; the app tells the agent in words, until dismissed.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

describe('rows set aside', () => {
  it('tells the agent once, counts further batches, and goes when dismissed', async () => {
    const backend = new FakeBackend({ conversations: [summary(1), summary(2)] });
    render(App, { props: { backend } });
    await settle();
    expect(screen.queryByTestId('set-aside-notice')).toBeNull();

    backend.emit({ type: 'set_aside', moved: 1 });
    await settle();
    expect(screen.getByTestId('set-aside-notice')).toHaveTextContent(
      'One saved item could not be read by this version of Switchboard. It was set aside in the cache file ' +
        'for a bug report, and conversations are fetched again from the server.',
    );
    backend.emit({ type: 'set_aside', moved: 2 });
    await settle();
    expect(screen.getByTestId('set-aside-notice')).toHaveTextContent('3 saved items could not be read');

    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await settle();
    expect(screen.queryByTestId('set-aside-notice')).toBeNull();
    // The lists are still there: nothing else was lost.
    expect(screen.getAllByTestId('row').length).toBeGreaterThan(0);
  });
});
