// Keeps the background running while a check runs. Chrome stops an idle service worker after 30 s and
// Firefox unloads an idle event page after 30 s (seen here: mid-check, with the XMPP socket open, the
// check then never ends). Both count a call into the extension API as activity, so a cheap call at an
// interval well below the idle timeout keeps the background until the check releases it.

/** Calls `ping` every `everyMs` until the returned release function is called. */
export function keepAlive(ping: () => Promise<unknown>, everyMs: number): () => void {
  const timer = setInterval(() => void ping().catch(() => {}), everyMs);
  return () => clearInterval(timer);
}

/** Well below both browsers' 30 s idle timeout (and below the 2 s the Firefox tests set). */
export const KEEP_ALIVE_EVERY_MS = 1_000;
