// Who may talk to the background: only pages of this very extension (popup, options), never a web page,
// a content script or another extension.

/** The parts of `runtime.MessageSender` the check reads. */
export interface SenderInfo {
  id?: string;
  url?: string;
}

/**
 * True when the message comes from one of our own extension pages: same extension id, and a URL under
 * our own base URL (`runtime.getURL('')`, e.g. `chrome-extension://ID/`).
 */
export function isOwnExtensionPage(sender: SenderInfo, ownId: string, ownBaseUrl: string): boolean {
  if (sender.id !== ownId || typeof sender.url !== 'string') return false;
  try {
    // Not `origin`: for non-web schemes such as chrome-extension: some URL parsers give "null" for every URL.
    const from = new URL(sender.url);
    const own = new URL(ownBaseUrl);
    return from.protocol === own.protocol && from.host === own.host && own.host !== '';
  } catch {
    return false;
  }
}
