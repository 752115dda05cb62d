/**
 * Firefox's own devtools code, read from the installed Firefox (its browser/omni.ja) when a suite
 * runs: the network monitor's HAR builder (client/netmonitor/src/har/har-builder.js) and "Copy as
 * cURL" (client/shared/curl.js). They are CommonJS modules; this loads them as Firefox's devtools
 * loader does (`require("resource://devtools/...")`), in a vm context, standing in for the few
 * chrome globals they touch: `Services.appinfo` (the installed version, from application.ini),
 * localized strings (returned by key), lazy getters, `URL.isInstance`, the IDN service (node:url's domainToUnicode). Nothing of Firefox's is copied into the repo.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { domainToUnicode } from 'node:url';
import vm from 'node:vm';
import yauzl from 'yauzl';
import { FIREFOX_PATH } from '../harness/firefox.js';

const PREFIX = 'chrome/devtools/modules/devtools/';
/** The folders whose modules the HAR builder and curl.js require (read once, ~1 MB). */
const FOLDERS = ['client/shared/', 'client/netmonitor/src/', 'shared/'];

/** The Firefox installation directory (/usr/lib/firefox-esr) behind the harness's executable. */
export function firefoxDir(): string {
  return path.dirname(realpathSync(FIREFOX_PATH));
}

/** Firefox's version as its application.ini states it (what `Services.appinfo.version` says). */
export function firefoxVersion(dir = firefoxDir()): string {
  const ini = readFileSync(path.join(dir, 'application.ini'), 'utf8');
  return /^Version=(.+)$/m.exec(ini)?.[1]?.trim() ?? 'unknown';
}

/** Reads the .js files under FOLDERS from omni.ja: module id (after resource://devtools/) → source. */
function readModules(omni: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, string>();
    yauzl.open(omni, { lazyEntries: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${omni}`));
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) => {
        const id = e.fileName.startsWith(PREFIX) ? e.fileName.slice(PREFIX.length) : '';
        if (!id.endsWith('.js') || !FOLDERS.some((f) => id.startsWith(f))) return zip.readEntry();
        zip.openReadStream(e, (e2, stream) => {
          if (e2 || !stream) return reject(e2);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(id, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Gecko's URL has a chrome-only `URL.isInstance` (request-utils.js uses it). */
class ChromeURL extends URL {
  static isInstance(value: unknown): boolean {
    return value instanceof URL;
  }
}

/** Localized strings: the key itself (the HAR builder only uses them for comments). */
class KeyStrings {
  getStr(key: string): string {
    return key;
  }
  getFormatStr(key: string): string {
    return key;
  }
}

export interface FirefoxDevtools {
  version: string;
  /** `require("resource://devtools/<id>")` as the devtools loader would. */
  require(id: string): Record<string, unknown>;
}

/** Loads Firefox's devtools modules from the installed omni.ja. */
export async function loadFirefoxDevtools(dir = firefoxDir()): Promise<FirefoxDevtools> {
  const sources = await readModules(path.join(dir, 'browser', 'omni.ja'));
  const version = firefoxVersion(dir);
  const cache = new Map<string, Record<string, unknown>>();
  const stubs: Record<string, Record<string, unknown>> = {
    'shared/l10n.js': { LocalizationHelper: KeyStrings },
    'client/netmonitor/src/utils/l10n.js': { L10N: new KeyStrings() },
  };
  const sandbox = vm.createContext({
    Services: { appinfo: { name: 'Firefox', version, OS: 'Linux' } },
    ChromeUtils: { defineESModuleGetters: () => {} },
    // XPCOM: only the IDN service (unicode-url.js shows host names in Unicode).
    Cc: {
      '@mozilla.org/network/idn-service;1': {
        getService: () => ({ convertToDisplayIDN: (host: string) => domainToUnicode(host) || host }),
      },
    },
    Ci: { nsIIDNService: {} },
    URL: ChromeURL,
    URLSearchParams,
    TextDecoder,
    TextEncoder,
    atob,
    btoa,
    console,
  });
  const load = (spec: string): Record<string, unknown> => {
    const id = spec.replace(/^resource:\/\/devtools\//, '');
    const stub = stubs[id];
    if (stub) return stub;
    const hit = cache.get(id);
    if (hit) return hit;
    const source = sources.get(id);
    if (source === undefined) throw new Error(`Firefox devtools module not in omni.ja: ${id}`);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(id, module.exports);
    const wrapper = `(function (exports, require, module, loader) {${source}\n})`;
    const fn = vm.runInContext(wrapper, sandbox, { filename: `omni.ja!/${PREFIX}${id}` }) as (
      ...a: unknown[]
    ) => void;
    const loader = {
      lazyRequireGetter(obj: object, name: string, from: string, destructure?: boolean) {
        Object.defineProperty(obj, name, {
          configurable: true,
          get: () => (destructure ? load(from)[name] : load(from)),
        });
      },
    };
    fn.call(sandbox, module.exports, load, module, loader);
    cache.set(id, module.exports);
    return module.exports;
  };
  return { version, require: load };
}
