// After `tsc -p tsconfig.build.json`: a CommonJS twin (.d.cts) of every declaration file in dist/,
// for TypeScript consumers that `require()` the package (moduleResolution node16/nodenext from a
// CommonJS file). The runtime is the same ES module either way (Node's require(esm)); only the
// declarations say which module format the consumer sees. Relative specifiers `./x.js` become
// `./x.cjs`, so a .d.cts only ever refers to other .d.cts files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../dist/', import.meta.url).pathname;
let count = 0;
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath ?? entry.path, entry.name);
  const text = readFileSync(file, 'utf8').replace(
    /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.js(['"])/g,
    '$1$2.cjs$3',
  );
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
  count++;
}
console.log(`declarations-cts: ${count} .d.cts files written`);
