import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The lab page, built into the package (dist/lab-page) and served by `crossorigin lab`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: process.env.LAB_OUT_DIR ?? fileURLToPath(new URL('../dist/lab-page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
