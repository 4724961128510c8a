import '@testing-library/jest-dom/vitest';

if (typeof window !== 'undefined') {
  // jsdom has no canvas: Chart.js then draws nothing, which is what component tests want.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
}
