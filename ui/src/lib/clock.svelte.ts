// One shared "now" for relative times, ticking every 30 s while anything shows them.

export const clock = $state({ now: Date.now() });

let users = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Starts ticking (if not already); returns the function that stops this use. */
export function startClock(everyMs = 30_000): () => void {
  users += 1;
  clock.now = Date.now();
  timer ??= setInterval(() => (clock.now = Date.now()), everyMs);
  return () => {
    users -= 1;
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
