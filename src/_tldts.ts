/**
 * tldts, loaded from its ES module build. The package's `main` is a 200 KB CommonJS file (the public
 * suffix list inlined), which Node parses twice when an ES module imports it (once with
 * cjs-module-lexer for its export names, once to run it): about 50 ms of CPU at every start of the
 * CLI. Its single-file ES module build (same version, same code) is parsed once. The types are the
 * package's own.
 */
import type * as Tldts from 'tldts';
// @ts-expect-error: the ES module build ships no declarations of its own (its API is tldts's).
import * as esm from 'tldts/dist/index.esm.min.js';

const tldts = esm as typeof Tldts;

export const getDomain: typeof Tldts.getDomain = tldts.getDomain;
export const getPublicSuffix: typeof Tldts.getPublicSuffix = tldts.getPublicSuffix;
export const parse: typeof Tldts.parse = tldts.parse;
