import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// Tauri serves dist/ as the app's root under a strict CSP: relative asset URLs,
// one external CSS file, no inline scripts.
export default defineConfig({
  base: './',
  plugins: [svelte(), svelteTesting()],
  // The catalogs live beside ui/, in locales/ (shared with the Rust side).
  server: { port: 5173, strictPort: true, fs: { allow: ['..'] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    cssCodeSplit: false,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test-setup.ts'],
    include: ['src/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
