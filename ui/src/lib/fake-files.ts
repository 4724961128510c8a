// Files as the engine keeps them, for the in-memory backend: each attached
// file's bytes by id, the files a system chooser would pick, and which file
// a queued `attach` carries.
import { BackendError } from './backend';
import type { Attachment, OutboxAction } from './types';

const INLINE = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

export class FakeFiles {
  /** What `chooseFiles` picks, as the system's chooser would (none: cancelled). */
  chosen: File[] = [];
  /** The bytes of every attachment, by id. */
  stored = new Map<number, { name: string; type: string; bytes: Uint8Array }>();
  private nextId = 1;
  /** Which file a queued `attach` carries. */
  private of = new WeakMap<OutboxAction, number>();

  /** Keeps a file for sending; the action that carries it. */
  async keep(file: File): Promise<OutboxAction> {
    if (file.size === 0) throw new BackendError('invalid_field', `${file.name} is empty`);
    const id = this.nextId++;
    this.stored.set(id, { name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) });
    const action: OutboxAction = { type: 'attach', name: file.name, size: file.size };
    this.of.set(action, id);
    return action;
  }

  /** The attachment a delivered `attach` became. */
  attachment(action: OutboxAction & { type: 'attach' }): Attachment {
    const id = this.of.get(action) ?? 0;
    const type = this.stored.get(id)?.type || 'application/octet-stream';
    const image = INLINE.includes(type);
    return { id, name: action.name, size: action.size, content_type: type, image, thumbnail: image };
  }

  /** Where the app would save it. */
  saved(id: number, name: string): string {
    if (!this.stored.has(id)) throw new BackendError('not_found', 'no such attachment');
    return `/home/agent/Downloads/${name}`;
  }
}
