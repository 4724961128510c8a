// The customer's language in the conversation's header: its name in the app's
// language, said in full to screen readers; nothing when the server kept none.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBackend } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import { setLanguage } from '../lib/i18n.svelte';
import { settle } from '../test-utils';
import App from './App.svelte';

async function open(language: string | null) {
  const backend = new FakeBackend({ conversations: [summary(1, { language })] });
  render(App, { props: { backend } });
  await settle();
  await userEvent.click(document.querySelector<HTMLElement>('[data-testid="row"][data-id="1"]')!);
  await settle();
}

describe("the customer's language", () => {
  afterEach(() => setLanguage('en'));

  it('is named in the header, in full for screen readers', async () => {
    await open('fr');
    const label = screen.getByTestId('conversation-language');
    expect(label).toHaveAttribute('title', "Customer's language: French");
    expect(screen.getByText("Customer's language: French")).toHaveClass('visually-hidden');
    expect(screen.getByText('French')).toHaveAttribute('aria-hidden', 'true');
    expect(screen.getByRole('heading', { level: 1 }).closest('header')).toContainElement(label);
  });

  it("is named in the app's language", async () => {
    setLanguage('fr');
    await open('en');
    expect(screen.getByTestId('conversation-language')).toHaveAttribute('title', 'Langue du client\u00a0: anglais');
    expect(screen.getByText('anglais')).toBeInTheDocument();
  });

  it('is not shown when the conversation has none', async () => {
    await open(null);
    expect(screen.getByTestId('conversation-state')).toBeInTheDocument();
    expect(screen.queryByTestId('conversation-language')).toBeNull();
  });
});
