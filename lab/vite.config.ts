import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The lab page, built into the package (dist/lab-page) and served by `crossorigin lab`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [
    {
      // The engine's default transport needs Node (undici, node:stream, node:zlib); the page always
      // passes its own fetch, so the bundle gets a stub instead of undici.
      name: 'crossorigin-no-node-transport',
      enforce: 'pre',
      resolveId(source, importer) {
        if (source.endsWith('/transport.js') && importer?.replaceAll('\\', '/').includes('/src/browser/'))
          return fileURLToPath(new URL('./src/no-transport.ts', import.meta.url));
        return null;
      },
    },
  ],
  logLevel: 'warn',
  build: {
    outDir: process.env.LAB_OUT_DIR ?? fileURLToPath(new URL('../dist/lab-page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
