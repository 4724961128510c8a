import '@testing-library/jest-dom/vitest';

if (typeof window !== 'undefined') {
  // jsdom has no canvas: Chart.js then draws nothing, which is what component tests want.
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
  // jsdom lays nothing out, so it has no scrolling into view: a no-op that tests can spy on.
  Element.prototype.scrollIntoView ??= function scrollIntoView() {};
}

// The app fetches its other screens and dialogs on first use; component tests
// get them at once, as the app does once they are fetched.
import { beforeAll } from 'vitest';
import { preloadScreens } from './lib/lazy';
beforeAll(async () => {
  await preloadScreens();
});
