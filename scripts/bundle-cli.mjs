// After `tsc -p tsconfig.build.json`: the `crossorigin` command as an ES module bundle,
// dist/cli/crossorigin.js, with each command in its own chunk (dist/cli/_chunk-*.js) loaded only
// when that command runs. Node then reads a handful of files at start instead of over a hundred
// modules, and the small dependencies every command loads are bundled (no CommonJS file lexed for
// its exports): `crossorigin scan` of one host takes about a quarter less CPU (docs/scan.md, Timing).
// Every other dependency stays a package of its own (undici, redis, … installed beside us and
// loaded on demand). The library (dist/**) is not bundled. Chunks sit in dist/cli/, one folder
// below dist/ like the modules they replace, so paths resolved from `import.meta.url` by the lab
// (../lab-page/, ../../package.json) stay the same.
import { build } from 'esbuild';

/** Bundled: loaded by every command (commander) or by the engine's core (the rest). */
const BUNDLED = new Set(['commander', 'ipaddr.js', 'tldts', 'whatwg-mimetype']);
const packageName = (specifier) => specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');

await build({
  entryPoints: { crossorigin: new URL('../dist/cli/main.js', import.meta.url).pathname },
  outdir: new URL('../dist/cli/', import.meta.url).pathname,
  chunkNames: '_chunk-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'error',
  plugins: [
    {
      name: 'external-dependencies',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('node:') || !BUNDLED.has(packageName(args.path))
            ? { path: args.path, external: true }
            : undefined,
        );
      },
    },
  ],
  // CommonJS dependencies bundled into an ES module call `require` for Node's built-ins.
  banner: {
    js: "import { createRequire as __crossoriginRequire } from 'node:module'; const require = __crossoriginRequire(import.meta.url);",
  },
});
