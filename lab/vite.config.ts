import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The lab page, built into the package (dist/lab-page) and served by `crossorigin lab`; scene.html is
// the page a case with its own headers (CSP, COEP, https) runs in, framed by the lab page.
export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: process.env.LAB_OUT_DIR ?? fileURLToPath(new URL('../dist/lab-page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rollupOptions: {
      input: { main: `${root}index.html`, scene: `${root}scene.html` },
    },
  },
});
