// Form posts that change state (asking for a scan) must come from our own pages: a cross-site form
// would let any web page queue scans with its visitors' addresses. Browsers send Origin on every POST
// and Sec-Fetch-Site on most; a client that sends neither is not a browser and gains nothing here.

export interface FormHeaders {
  origin?: string | undefined;
  'sec-fetch-site'?: string | undefined;
}

/** True when the post comes from this site (`host` is the Host the request was made to). */
export function isSameOriginPost(headers: FormHeaders, host: string): boolean {
  // Sec-Fetch-Site is the browser's own verdict; Origin can be "null" on our own pages, whose
  // Referrer-Policy is no-referrer.
  const site = headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // "null" (sandboxed or privacy-sensitive contexts) or garbage
  }
}
