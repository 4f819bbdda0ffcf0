// CORS: the browser extension calls the API from its own origin; web pages of other sites do not need to.

const EXTENSION_ORIGIN = /^(?:chrome-extension|moz-extension):\/\/[a-z0-9-]{1,64}$/i;

/** True for `chrome-extension://ID` and `moz-extension://UUID` origins. */
export function isExtensionOrigin(origin: string | undefined): boolean {
  return origin !== undefined && EXTENSION_ORIGIN.test(origin);
}
