// Start-up milestones as performance marks ("startup:NAME", each set once): the
// launch benchmark reads them through WebDriver beside the Rust side's log.
const marked = new Set<string>();

export function startupMark(name: string): void {
  if (marked.has(name)) return;
  marked.add(name);
  performance.mark(`startup:${name}`);
}
