// Keyboard users never lose their place: a dialog opened from the Actions menu
// keeps Tab inside and gives the focus back to the menu's button; a new
// customer line lands in the conversation's live region (read out politely).
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };

async function start() {
  const backend = new FakeBackend({
    conversations: [
      summary(1, { state: 'occupied', occupant: aliceRef, customer: { ...summary(1).customer, name: 'Maria' } }),
    ],
  });
  render(App, { props: { backend } });
  await settle();
  const user = userEvent.setup();
  await user.click(document.querySelector<HTMLElement>('[data-testid="row"][data-id="1"]')!);
  await settle();
  return { backend, user };
}

describe('focus', () => {
  for (const [item, dialogId] of [
    ['action-spam', 'spam-confirm'],
    ['action-end', 'end-send'],
    ['action-transfer', 'transfer-dialog'],
  ] as const) {
    it(`a dialog from the Actions menu (${item}) keeps Tab inside and gives the focus back`, async () => {
      const { user } = await start();
      screen.getByTestId('actions').focus();
      await user.keyboard('{ArrowDown}');
      const entry = screen.getByTestId(item);
      entry.focus();
      await user.keyboard('{Enter}');
      await settle();
      const dialog = screen.getByRole('dialog');
      expect(dialog.querySelector(`[data-testid="${dialogId}"]`) ?? dialog.closest(`[data-testid="${dialogId}"]`)).not.toBeNull();
      expect(dialog.contains(document.activeElement)).toBe(true);
      for (let i = 0; i < 8; i++) {
        await user.tab();
        expect(dialog.contains(document.activeElement)).toBe(true);
      }
      for (let i = 0; i < 8; i++) {
        await user.tab({ shift: true });
        expect(dialog.contains(document.activeElement)).toBe(true);
      }
      await user.keyboard('{Escape}');
      await settle();
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(screen.getByTestId('actions')).toHaveFocus();
    });
  }

  it('a new customer line lands in the polite live region of the conversation', async () => {
    const { backend } = await start();
    const region = document.querySelector('ol[aria-live="polite"]')!;
    expect(region).not.toBeNull();
    expect(region.getAttribute('aria-relevant')).toBe('additions');
    backend.post(1, 'customer', 'Is anyone there?');
    await settle();
    expect(within(region as HTMLElement).getAllByTestId('message').at(-1)).toHaveTextContent('Is anyone there?');
  });
});
