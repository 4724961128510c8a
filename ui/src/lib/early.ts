// The first screen's data, asked for as soon as the bundle starts to run: the
// session and the lists travel to Rust and back while the rest of the UI's
// modules are evaluated and the app mounts (the launch benchmark: the first
// screen gets them about 10 ms sooner). main.ts imports this first, after the start mark;
// TauriBackend hands each answer out once, to the first caller.
import { commands } from './bindings';

const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;

let session: ReturnType<typeof commands.sessionInfo> | undefined = inTauri ? commands.sessionInfo() : undefined;
let lists: ReturnType<typeof commands.lists> | undefined = inTauri ? commands.lists() : undefined;

/** The session asked for at start, the first time; undefined after. */
export function earlySession(): ReturnType<typeof commands.sessionInfo> | undefined {
  const s = session;
  session = undefined;
  return s;
}

/** The lists asked for at start, the first time; undefined after. */
export function earlyLists(): ReturnType<typeof commands.lists> | undefined {
  const l = lists;
  lists = undefined;
  return l;
}
