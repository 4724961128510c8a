import { fireEvent, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setLanguage } from '../lib/i18n.svelte';
import { FakeBackend } from '../lib/fake-backend';
import { renderWith, settle } from '../test-utils';
import EndDialog from './EndDialog.svelte';

async function open(subjects = ['Billing', 'Shipping']) {
  const onSubmit = vi.fn(async () => {});
  const onClose = vi.fn();
  renderWith(EndDialog, { customerName: 'Ana', onSubmit, onClose }, new FakeBackend({ subjects }));
  await settle();
  return { onSubmit, onClose, send: screen.getByTestId('end-send') };
}

describe('End conversation questionnaire', () => {
  it('offers the server subjects, the four moods and « I don\'t know » for each', async () => {
    await open();
    const subject = screen.getByTestId('end-subject') as HTMLSelectElement;
    const mood = screen.getByTestId('end-mood') as HTMLSelectElement;
    const texts = (s: HTMLSelectElement) => [...s.options].filter((o) => !o.disabled).map((o) => o.text);
    expect(texts(subject)).toEqual(['Billing', 'Shipping', "I don't know"]);
    expect(texts(mood)).toEqual(['Happy', 'Neutral', 'Unhappy', 'Angry', "I don't know"]);
    expect(screen.getByRole('dialog', { name: 'End conversation' })).toBeInTheDocument();
  });

  it('keeps « Send » disabled until both subject and mood are answered', async () => {
    const { send, onSubmit } = await open();
    const user = userEvent.setup();
    expect(send).toBeDisabled();
    await user.selectOptions(screen.getByTestId('end-subject'), 'Billing');
    expect(send).toBeDisabled();
    await user.selectOptions(screen.getByTestId('end-mood'), 'Angry');
    expect(send).toBeEnabled();
    await user.click(send);
    expect(onSubmit).toHaveBeenCalledWith({ known: 'Billing' }, 'angry');
  });

  it('sends "dont_know" for « I don\'t know » answers and closes', async () => {
    const { send, onSubmit, onClose } = await open();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('end-subject'), "I don't know");
    await user.selectOptions(screen.getByTestId('end-mood'), "I don't know");
    await user.click(send);
    expect(onSubmit).toHaveBeenCalledWith('dont_know', 'dont_know');
    await settle();
    expect(onClose).toHaveBeenCalled();
  });

  it('shows a refusal and stays open', async () => {
    const onSubmit = vi.fn(async () => {
      throw { code: 'invalid_field', message: 'subject is not in the list' };
    });
    const onClose = vi.fn();
    renderWith(EndDialog, { customerName: 'Ana', onSubmit, onClose }, new FakeBackend());
    await settle();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('end-subject'), "I don't know");
    await user.selectOptions(screen.getByTestId('end-mood'), 'Happy');
    await user.click(screen.getByTestId('end-send'));
    expect(await screen.findByRole('alert')).toHaveTextContent('subject is not in the list');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('closes with Escape and Cancel, and keeps the focus inside', async () => {
    const { onClose } = await open();
    expect(screen.getByTestId('end-subject')).toHaveFocus();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  describe('in French', () => {
    afterEach(() => setLanguage('en'));

    it('uses the manual\'s words, and follows a change of language while open', async () => {
      setLanguage('fr');
      await open();
      const dialog = screen.getByRole('dialog', { name: 'Terminer la conversation' });
      expect(dialog).toHaveTextContent('Un court questionnaire sur votre conversation avec Ana.');
      const subject = screen.getByTestId('end-subject') as HTMLSelectElement;
      expect([...subject.options].map((o) => o.text)).toEqual(['Choisissez un sujet', 'Billing', 'Shipping', 'Je ne sais pas']);
      expect(screen.getByTestId('end-send')).toHaveTextContent('Envoyer');
      expect(screen.getByRole('button', { name: 'Annuler' })).toBeInTheDocument();
      setLanguage('en');
      await settle();
      expect(screen.getByTestId('end-send')).toHaveTextContent('Send');
      expect([...subject.options].at(-1)?.text).toBe("I don't know");
    });
  });

  it('traps Tab inside the dialog', async () => {
    await open();
    const user = userEvent.setup();
    screen.getByRole('button', { name: 'Cancel' }).focus();
    // Send is disabled, so Cancel is the last control: Tab wraps to the first.
    await user.tab();
    expect(screen.getByTestId('end-subject')).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });
});
