/** Where Debian puts the browsers (overridable with CHROMIUM_PATH / FIREFOX_PATH). */
export const CHROMIUM_PATH_DEFAULT = '/usr/bin/chromium';
export const FIREFOX_PATH_DEFAULT = '/usr/bin/firefox-esr';
