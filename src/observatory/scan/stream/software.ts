// Which server software answered, told from what an unauthenticated stream shows, where the two
// implementations the path model knows leave marks no other is known to leave. A guess errs towards
// unknown: the path model then withholds green (an unknown initiator may use dialback only).
import type { SoftwareVersion } from '../../../core/observation.ts';

export interface StreamMarks {
  /** The stream header's id. */
  id: string | null;
  /** s2s: dialback was offered before TLS (Prosody's mod_dialback does; ejabberd offers it after). */
  dialbackBeforeTls: boolean;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// ejabberd 23.01 (p1_rand:get_string/0): a decimal number of up to 20 digits, seen in the lab.
const EJABBERD_ID = /^[1-9][0-9]{14,19}$/;

/** Prosody (UUID v4 ids and dialback before TLS on s2s), ejabberd (decimal ids), else null. */
export function recogniseSoftware(marks: StreamMarks): SoftwareVersion | null {
  if (marks.id === null) return null;
  if (UUID_V4.test(marks.id) && marks.dialbackBeforeTls) return { name: 'Prosody', version: null };
  if (EJABBERD_ID.test(marks.id)) return { name: 'ejabberd', version: null };
  return null;
}
