import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../lib/i18n.svelte';
import { renderWith } from '../test-utils';
import SpamDialog from './SpamDialog.svelte';

describe('Spam confirmation', () => {
  it('reports only after « Report as Spam »', async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    renderWith(SpamDialog, { customerName: 'Troll', onConfirm, onClose });
    expect(onConfirm).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog', { name: 'Spam' })).toHaveTextContent('Troll');
    await userEvent.setup().click(screen.getByTestId('spam-confirm'));
    expect(screen.getByTestId('spam-confirm')).toHaveTextContent('Report as Spam');
    expect(onConfirm).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalled();
  });

  it('does nothing on Cancel (the safe default)', async () => {
    const onConfirm = vi.fn();
    const onClose = vi.fn();
    renderWith(SpamDialog, { customerName: 'Troll', onConfirm, onClose });
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(cancel).toHaveFocus();
    await userEvent.setup().click(cancel);
    expect(onClose).toHaveBeenCalled();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('asks in French with the manual\'s words, the name kept apart', () => {
    setLanguage('fr');
    try {
      renderWith(SpamDialog, { customerName: 'Troll', onConfirm: vi.fn(), onClose: vi.fn() });
      const dialog = screen.getByRole('dialog', { name: 'Spam' });
      // A no-break space before « ? » (toHaveTextContent would fold it into a plain one).
      expect(dialog.textContent).toContain('Signaler Troll comme spam\u00a0? Le client est bloqué');
      expect(dialog.querySelector('bdi')).toHaveTextContent(/^Troll$/);
      expect(screen.getByTestId('spam-confirm')).toHaveTextContent('Signaler comme spam');
      expect(screen.getByRole('button', { name: 'Annuler' })).toHaveFocus();
    } finally {
      setLanguage('en');
    }
  });
});
