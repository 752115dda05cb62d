/** Reading a browser's major release from its version string (no dependencies: errors/ uses it too). */

/**
 * The release a browser's version string names: `150.0.7871.100`, `Chromium 150.0…`,
 * `HeadlessChrome/150.0…`, `firefox/140.12.0`, `140.12.0esr`, or a User-Agent (`Chrome/150.0…`,
 * `Firefox/140.0`). Null when none is found (or it is 0).
 */
export function releaseOf(version: string): number | null {
  // A product token first (a User-Agent starts with `Mozilla/5.0`), then a leading version number.
  const named = /(?:Chrome|Chromium|Firefox)\/(\d{1,4})\./i.exec(version);
  const digits = named?.[1] ?? /^\D{0,40}?(\d{1,4})\.\d/.exec(version)?.[1];
  const release = digits === undefined ? 0 : Number(digits);
  return release >= 1 ? release : null;
}
