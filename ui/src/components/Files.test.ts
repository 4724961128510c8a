// Files in the app: the paperclip opens the system's chooser, pasted and
// dropped files go to the customer (never as a note), queued files show until
// sent, and attachments show as thumbnails (full size in a viewer) or as files
// saved to Downloads.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ALICE, FakeBackend } from '../lib/fake-backend';
import { BOB, summary } from '../lib/fixtures';
import { settle } from '../test-utils';
import App from './App.svelte';

const aliceRef = { id: ALICE.id, name: ALICE.name };

async function start() {
  const backend = new FakeBackend({
    conversations: [
      summary(1, { state: 'occupied', occupant: aliceRef, customer: { ...summary(1).customer, name: 'Maria' } }),
      summary(3, { state: 'occupied', occupant: BOB }),
    ],
    me: { ...ALICE, role: 'supervisor' },
  });
  render(App, { props: { backend } });
  await settle();
  return { backend, user: userEvent.setup() };
}

async function open(user: ReturnType<typeof userEvent.setup>, id: number) {
  await user.click(document.querySelector<HTMLElement>(`[data-testid="row"][data-id="${id}"]`)!);
  await settle();
}

const png = (name: string) => new File([new Uint8Array([137, 80, 78, 71])], name, { type: 'image/png' });
const text = (name: string, body: string) => new File([body], name, { type: 'text/plain' });

/** A DataTransfer as jsdom lacks one: the files and the kinds a browser lists. */
function transfer(files: File[]) {
  return { files, types: ['Files'], dropEffect: 'none' };
}

describe('files', () => {
  it('pasted go to the customer, show until sent, then as a thumbnail that opens full size', async () => {
    const { backend, user } = await start();
    await open(user, 1);
    const composer = screen.getByTestId('composer');
    await fireEvent.paste(composer, { clipboardData: transfer([png('screen.png')]) });
    await settle();
    expect(backend.callsTo('attachFile')).toEqual([[1, 'screen.png']]);
    expect(screen.getByTestId('outbox-pending')).toHaveTextContent('File: screen.png (4 bytes)');

    backend.deliver(backend.queued[0].seq);
    await settle();
    const thumb = screen.getByTestId('attachment-image');
    const img = within(thumb).getByRole('img', { name: 'screen.png' });
    expect(img.getAttribute('src')).toContain('data-thumbnail="true"');
    await user.click(thumb);
    const viewer = screen.getByTestId('image-viewer');
    expect(within(viewer).getByRole('heading')).toHaveTextContent('screen.png');
    expect(within(viewer).getByTestId('image-full').getAttribute('src')).toContain('data-thumbnail="false"');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('image-viewer')).toBeNull();
  });

  it('chosen or dropped are sent; other files save to Downloads under their name', async () => {
    const { backend, user } = await start();
    await open(user, 1);
    backend.files.chosen = [text('<b>log</b>.txt', 'started')];
    await user.click(screen.getByRole('button', { name: 'Attach files' }));
    await settle();
    expect(backend.callsTo('chooseFiles')).toEqual([[1]]);

    const pane = screen.getByTestId('conversation');
    await fireEvent.dragEnter(pane, { dataTransfer: transfer([]) });
    expect(screen.getByTestId('drop-zone')).toHaveTextContent('Drop files to send them to the customer');
    await fireEvent.drop(pane, { dataTransfer: transfer([text('b.csv', 'x,y')]) });
    await settle();
    expect(screen.queryByTestId('drop-zone')).toBeNull();
    expect(backend.callsTo('attachFile').map((c) => c[1])).toEqual(['<b>log</b>.txt', 'b.csv']);

    for (const item of [...backend.queued]) backend.deliver(item.seq);
    await settle();
    const files = screen.getAllByTestId('attachment-file');
    expect(files.map((f) => f.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '<b>log</b>.txt 7 bytes',
      'b.csv 3 bytes',
    ]);
    await user.click(files[0]);
    await settle();
    expect(screen.getByTestId('file-notice')).toHaveTextContent(
      'Saved <b>log</b>.txt to /home/agent/Downloads/<b>log</b>.txt',
    );
  });

  it('are refused where they cannot go: as a note, empty, or on a colleague’s conversation', async () => {
    const { backend, user } = await start();
    await open(user, 1);
    await user.click(screen.getByTestId('compose-note'));
    expect(screen.queryByRole('button', { name: 'Attach files' })).toBeNull();
    await fireEvent.paste(screen.getByTestId('composer'), { clipboardData: transfer([png('a.png')]) });
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Files go to the customer: switch to Reply to send one.');
    await user.click(screen.getByTestId('compose-reply'));
    await fireEvent.paste(screen.getByTestId('composer'), { clipboardData: transfer([text('empty.txt', '')]) });
    await settle();
    expect(screen.getByText('empty.txt: empty.txt is empty')).toBeInTheDocument();
    expect(backend.queued).toEqual([]);

    await open(user, 3);
    const pane = screen.getByTestId('conversation');
    await fireEvent.dragEnter(pane, { dataTransfer: transfer([]) });
    expect(screen.getByTestId('drop-zone')).toHaveTextContent('Take the conversation to send files');
    await fireEvent.drop(pane, { dataTransfer: transfer([text('c.txt', 'c')]) });
    await settle();
    expect(screen.getByText('Take the conversation to send files to the customer.')).toBeInTheDocument();
    expect(backend.callsTo('attachFile')).toEqual([[1, 'empty.txt']]);
  });
});
