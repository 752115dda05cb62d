/**
 * The byte patterns ORB looks at: the MIME Sniffing Standard's image and audio/video pattern
 * matching, and the HTML / XML / JSON "confirmation" sniffers Chromium kept from CORB.
 * Only the first 1024 bytes are looked at (the sniffing window).
 */

/** The sniffing window: ORB waits for at most this many bytes. */
export const SNIFF_WINDOW = 1024;

type Pattern = readonly [bytes: readonly number[], mask: readonly number[] | null];

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function matches(b: Uint8Array, [bytes, mask]: Pattern, offset = 0): boolean {
  if (b.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    const m = mask ? (mask[i] as number) : 0xff;
    if (((b[offset + i] as number) & m) !== bytes[i]) return false;
  }
  return true;
}

// https://mimesniff.spec.whatwg.org/#image-type-pattern-matching-algorithm
const IMAGE_PATTERNS: readonly Pattern[] = [
  [[0x00, 0x00, 0x01, 0x00], null], // ICO
  [[0x00, 0x00, 0x02, 0x00], null], // CUR
  [ascii('BM'), null],
  [ascii('GIF87a'), null],
  [ascii('GIF89a'), null],
  [
    [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBPVP')],
    [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  ],
  [[0x89, ...ascii('PNG'), 0x0d, 0x0a, 0x1a, 0x0a], null],
  [[0xff, 0xd8, 0xff], null], // JPEG
];

/** Image type pattern matching: true when `b` starts like a known image format. */
export function isImagePattern(b: Uint8Array): boolean {
  return IMAGE_PATTERNS.some((p) => matches(b, p));
}

// https://mimesniff.spec.whatwg.org/#audio-or-video-type-pattern-matching-algorithm
const MEDIA_PATTERNS: readonly Pattern[] = [
  [
    [...ascii('FORM'), 0, 0, 0, 0, ...ascii('AIFF')],
    [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
  ],
  [ascii('ID3'), null], // MP3 with an ID3 tag
  [[...ascii('OggS'), 0], null],
  [ascii('MThd\x00\x00\x00\x06'), null], // MIDI
  [
    [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('AVI ')],
    [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
  ],
  [
    [...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')],
    [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff],
  ],
];

/** Audio or video type pattern matching (MP4 `ftyp` and WebM's EBML header included; MP3 without ID3 is not). */
export function isMediaPattern(b: Uint8Array): boolean {
  if (MEDIA_PATTERNS.some((p) => matches(b, p))) return true;
  // MP4: a box whose type is `ftyp` at offset 4.
  if (b.length >= 12 && matches(b, [ascii('ftyp'), null], 4)) return true;
  // WebM: the EBML magic number.
  return matches(b, [[0x1a, 0x45, 0xdf, 0xa3], null]);
}

const WS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);

function skipWhitespace(b: Uint8Array, i: number): number {
  while (i < b.length && WS.has(b[i] as number)) i++;
  return i;
}

function startsWithAt(b: Uint8Array, i: number, s: string, caseless: boolean): boolean {
  if (b.length < i + s.length) return false;
  for (let k = 0; k < s.length; k++) {
    let c = b[i + k] as number;
    if (caseless && c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== s.charCodeAt(k)) return false;
  }
  return true;
}

const HTML_TAGS = [
  '!doctype html',
  'html',
  'head',
  'body',
  'script',
  'iframe',
  'h1',
  'div',
  'font',
  'table',
  'a',
  'style',
  'title',
  'b',
  'br',
  'p',
  '?xml',
];

/** CORB's HTML sniffer: after whitespace and `<!-- -->` comments, a known tag then space or `>`. */
export function sniffsAsHtml(b: Uint8Array): boolean {
  let i = skipWhitespace(b, 0);
  while (startsWithAt(b, i, '<!--', false)) {
    let end = -1;
    for (let k = i + 4; k + 2 < b.length; k++) {
      if (b[k] === 0x2d && b[k + 1] === 0x2d && b[k + 2] === 0x3e) {
        end = k + 3;
        break;
      }
    }
    if (end < 0) return false;
    i = skipWhitespace(b, end);
  }
  if (b[i] !== 0x3c) return false;
  for (const tag of HTML_TAGS) {
    if (tag === '?xml') continue;
    if (!startsWithAt(b, i + 1, tag, true)) continue;
    const after = b[i + 1 + tag.length];
    if (after === 0x3e || (after !== undefined && WS.has(after))) return true;
  }
  return false;
}

/** CORB's XML sniffer: `<?xml` after whitespace. */
export function sniffsAsXml(b: Uint8Array): boolean {
  return startsWithAt(b, skipWhitespace(b, 0), '<?xml', false);
}

/** CORB's JSON sniffer: `{`, then a string, then `:` (a JSON object; arrays are not recognised). */
export function sniffsAsJson(b: Uint8Array): boolean {
  let i = skipWhitespace(b, 0);
  if (b[i] !== 0x7b) return false;
  i = skipWhitespace(b, i + 1);
  if (b[i] !== 0x22) return false;
  for (i++; i < b.length; i++) {
    if (b[i] === 0x5c) i++;
    else if (b[i] === 0x22) return b[skipWhitespace(b, i + 1)] === 0x3a;
  }
  return false;
}

const JSON_PREFIXES = [")]}'", '{}&&', '{} &&', 'for(;;);', 'while(1);', 'while (1);'];

/** A JSON security prefix (`)]}'`, `for(;;);`, ...) at the very start. */
export function hasJsonSecurityPrefix(b: Uint8Array): boolean {
  return JSON_PREFIXES.some((p) => startsWithAt(b, 0, p, false));
}
