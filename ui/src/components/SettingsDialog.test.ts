import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../lib/fake-backend';
import { defaultSettings } from '../lib/fixtures';
import { setLanguage } from '../lib/i18n.svelte';
import { renderWith, settle } from '../test-utils';
import SettingsDialog from './SettingsDialog.svelte';

const OFF = defaultSettings({ reminder_minutes: null, attention: false, sound: false });

describe('Settings', () => {
  it('shows and saves the reminder interval and Do Not Disturb', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, reminder_minutes: 2 } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const reminder = screen.getByLabelText(/Remind me/) as HTMLSelectElement;
    expect(reminder.value).toBe('2');
    expect([...reminder.options].map((o) => o.text)).toEqual([
      'Off',
      'Every minute',
      'Every 2 minutes',
      'Every 5 minutes',
      'Every 10 minutes',
      'Every 15 minutes',
    ]);
    const user = userEvent.setup();
    await user.selectOptions(reminder, 'Off');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, reminder_minutes: null }]);
    await user.selectOptions(reminder, 'Every 10 minutes');
    await user.click(screen.getByRole('switch', { name: /Do Not Disturb/ }));
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, reminder_minutes: 10, do_not_disturb: true }]);
  });

  it('turns on starting at login and keeping running in the tray', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, reminder_minutes: 2 } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const user = userEvent.setup();
    await user.click(screen.getByRole('switch', { name: /Start Switchboard when I log in/ }));
    await user.click(screen.getByRole('switch', { name: /Keep running in the tray/ }));
    expect(backend.callsTo('setSettings').at(-1)).toEqual([
      { ...OFF, reminder_minutes: 2, start_at_login: true, close_to_tray: true },
    ]);
  });

  it('turns the sound and the taskbar flash on and off', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, reminder_minutes: 2, sound: true } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const sound = screen.getByRole('switch', { name: /Play a sound when a customer starts waiting/ });
    expect(sound).toBeChecked();
    const user = userEvent.setup();
    await user.click(sound);
    await user.click(screen.getByRole('switch', { name: /Flash the taskbar/ }));
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, reminder_minutes: 2, sound: false, attention: true }]);
  });

  it('sets the agent away after a time without input, or never', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, away_when_idle_secs: 3 } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const away = screen.getByLabelText(/Set me away/) as HTMLSelectElement;
    // A time set outside the app is shown as it is.
    expect(away.value).toBe('3');
    expect([...away.options].map((o) => o.text)).toEqual([
      'Never',
      '5 minutes',
      '10 minutes',
      '15 minutes',
      '30 minutes',
      '60 minutes',
      '3 seconds',
    ]);
    const user = userEvent.setup();
    await user.selectOptions(away, '15 minutes');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, away_when_idle_secs: 900 }]);
    await user.selectOptions(away, 'Never');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, away_when_idle_secs: null }]);
  });

  it('keeps files for offline viewing up to a size the agent picks', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, file_cache_mib: 300 } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const files = screen.getByLabelText(/Keep files for viewing offline/) as HTMLSelectElement;
    // A size set outside the app is shown in its place.
    expect(files.value).toBe('300');
    expect([...files.options].map((o) => o.text)).toEqual(['100 MB', '250 MB', '300 MB', '500 MB', '1 GB', '2 GB', '5 GB']);
    await userEvent.setup().selectOptions(files, '1 GB');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, file_cache_mib: 1024 }]);
  });

  it('signs out', async () => {
    const onSignOut = vi.fn(async () => {});
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut });
    await settle();
    await userEvent.setup().click(screen.getByTestId('signout'));
    expect(onSignOut).toHaveBeenCalled();
  });

  it('shows a refused change and the previous value', async () => {
    const backend = new FakeBackend({ settings: { ...OFF, reminder_minutes: 5 } });
    backend.setSettings = async () => {
      throw { code: 'cache', message: 'settings could not be saved' };
    };
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    await userEvent.setup().click(screen.getByRole('switch', { name: /Do Not Disturb/ }));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('settings could not be saved');
    expect(screen.getByRole('switch', { name: /Do Not Disturb/ })).not.toBeChecked();
  });

  it('says where the offline cache\'s key is kept', async () => {
    const backend = new FakeBackend({ settings: OFF });
    const view = renderWith(
      SettingsDialog,
      { onClose: vi.fn(), onSignOut: vi.fn(async () => {}), cacheKeyKept: 'file' },
      backend,
    );
    await settle();
    const note = screen.getByTestId('settings-cache-key');
    expect(note.textContent).toMatch(/encrypted/);
    expect(note.textContent).toMatch(/no keychain .* file only your account can read/);
    view.unmount();
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}), cacheKeyKept: 'keychain' }, backend);
    await settle();
    expect(screen.getByTestId('settings-cache-key').textContent).toMatch(/key is in the system's keychain/);
  });

  it('caps the months of archive kept on this computer', async () => {
    const backend = new FakeBackend({ settings: OFF });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const select = screen.getByLabelText(/Keep ended conversations/) as HTMLSelectElement;
    expect(select.value).toBe('all');
    expect([...select.options].map((o) => o.text)).toEqual([
      'All of them',
      'For 3 months',
      'For 6 months',
      'For 1 year',
      'For 2 years',
    ]);
    const user = userEvent.setup();
    await user.selectOptions(select, 'For 6 months');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, archive_months: 6 }]);
    await user.selectOptions(select, 'All of them');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, archive_months: null }]);
  });
});

describe('The language setting', () => {
  afterEach(() => setLanguage('en'));

  it('follows the system until the agent picks a language, and the window speaks it at once', async () => {
    const backend = new FakeBackend({ settings: { ...OFF } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const select = screen.getByLabelText('Language') as HTMLSelectElement;
    expect(select.value).toBe('system');
    expect([...select.options].map((o) => o.text)).toEqual(['Same as the system (English)', 'English', 'Français']);
    const user = userEvent.setup();
    await user.selectOptions(select, 'Français');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, language: 'fr' }]);
    await settle();
    expect(document.documentElement.lang).toBe('fr');
    const again = screen.getByLabelText('Langue') as HTMLSelectElement;
    expect(again.value).toBe('fr');
    expect(screen.getByRole('button', { name: 'Fermer' })).toBeTruthy();
    await user.selectOptions(again, 'Celle du système (English)');
    expect(backend.callsTo('setSettings').at(-1)).toEqual([{ ...OFF, language: null }]);
    await settle();
    expect(screen.getByLabelText('Language')).toBeTruthy();
  });
});

describe('Settings in French', () => {
  afterEach(() => setLanguage('en'));

  it('says its choices in French, with French plurals and units', async () => {
    setLanguage('fr', 'fr-FR');
    const backend = new FakeBackend({ settings: { ...OFF, reminder_minutes: 1, file_cache_mib: 1536 } });
    renderWith(SettingsDialog, { onClose: vi.fn(), onSignOut: vi.fn(async () => {}) }, backend);
    await settle();
    const reminder = screen.getByLabelText(/Me rappeler/) as HTMLSelectElement;
    expect([...reminder.options].map((o) => o.text).slice(0, 3)).toEqual([
      'Jamais',
      'Toutes les minutes',
      'Toutes les 2 minutes',
    ]);
    const files = screen.getByLabelText(/hors ligne, jusqu'à/) as HTMLSelectElement;
    expect([...files.options].map((o) => o.text)).toContain('1,5 Go');
    const archive = screen.getByLabelText(/Garder les conversations terminées/) as HTMLSelectElement;
    expect([...archive.options].map((o) => o.text)).toEqual([
      'Toutes',
      'Pendant 3 mois',
      'Pendant 6 mois',
      'Pendant 1 an',
      'Pendant 2 ans',
    ]);
    expect(screen.getByRole('switch', { name: /Ne pas déranger/ })).toBeInTheDocument();
    expect(screen.getByTestId('signout')).toHaveTextContent('Se déconnecter');
  });
});
