import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
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
});
