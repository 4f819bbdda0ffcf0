// Domain names and JIDs as people type them, turned into the one form reports and lookups use:
// ASCII (IDNA), lower case, no trailing dot. Pure, and runs in Node and in browsers.
import { decodePunycode } from './punycode.ts';

export type DomainResult = { ok: true; domain: string } | { ok: false; error: string };

export interface Jid {
  /** Localpart, case-mapped; null for a domain JID. */
  local: string | null;
  /** Normalised domain (see `normalizeDomain`). */
  domain: string;
  resource: string | null;
  /** `local@domain` or `domain`. */
  bare: string;
  /** The bare JID plus `/resource` when there is one. */
  full: string;
}

export type JidResult = { ok: true; jid: Jid } | { ok: false; error: string };

const MAX_NAME_OCTETS = 253;
const MAX_LABEL_OCTETS = 63;
/** RFC 7622 §3.3.1 / §3.4.1: localpart and resourcepart are 1 to 1023 octets. */
const MAX_JID_PART_OCTETS = 1023;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Characters that would make the URL parser read a path, port, credentials, query or fragment. */
const URL_DELIMITERS = /[/\\?#@:%[\]]/;
/** What the WHATWG host parser treats as a number: decimal, or hex with 0x (octal starts with 0). */
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;
/** RFC 7622 §3.3.1: characters a localpart must not contain. */
const LOCALPART_FORBIDDEN = /["&'/:<>@\s]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Special-use top-level names (RFC 6761, 6762, 7686, 8375, 9476, ICANN's .internal) that are never in the
 * public DNS: scanning them would only reach local resolvers and networks. `.test` stays accepted: it
 * is the lab's. `arpa` covers home.arpa and the reverse-lookup zones.
 */
const SPECIAL_USE_TLDS = new Set(['onion', 'local', 'localhost', 'internal', 'invalid', 'arpa', 'alt']);

const encoder = new TextEncoder();
const octets = (s: string): number => encoder.encode(s).length;

/** Accepts only names that can be scanned over DNS: no IP literals, no single labels like `localhost`. */
export function normalizeDomain(input: unknown): DomainResult {
  if (typeof input !== 'string') return fail('The domain must be a string.');
  let name = input.trim();
  if (name === '') return fail('The domain is empty.');
  if (name.startsWith('[') || name.includes(':')) {
    return fail(`"${input}" is an IP address or has a port; give a domain name such as example.org.`);
  }
  if (URL_DELIMITERS.test(name)) {
    return fail(`"${input}" contains characters that are not allowed in a domain name (/ \\ ? # @ : % [ ]).`);
  }
  if (CONTROL.test(name) || /\s/u.test(name))
    return fail(`"${input}" contains spaces or control characters.`);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') return fail('The domain is only a dot.');
  const labels = name.split('.');
  if (labels.some((label) => label === ''))
    return fail(`"${input}" has an empty label (two dots in a row?).`);
  if (NUMERIC_LABEL.test(labels[labels.length - 1] ?? '')) {
    return fail(`"${input}" is an IP address or ends in a numeric label; give a domain name.`);
  }
  // IDNA (UTS #46) by the WHATWG URL host parser: present in Node and every browser, so no
  // punycode library is bundled into the extension. It also lower-cases and maps full-width forms.
  let ascii: string;
  try {
    ascii = new URL(`http://${name}/`).hostname;
  } catch {
    return fail(`"${input}" is not a valid internationalised domain name.`);
  }
  // A trailing dot may reappear when the input ended in a dot-like character (e.g. U+3002).
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  if (/^[0-9.]+$/.test(ascii)) return fail(`"${input}" is an IP address; give a domain name.`);
  const asciiLabels = ascii.split('.');
  if (asciiLabels.some((label) => label === '')) return fail(`"${input}" has an empty label.`);
  if (asciiLabels.length < 2) {
    return fail(`"${input}" is a single label; a public domain has at least two (e.g. example.org).`);
  }
  // The URL parser's hostname is ASCII (Punycode), so its lengths are its octets: no encoding per label.
  for (const label of asciiLabels) {
    if (label.length > MAX_LABEL_OCTETS) {
      return fail(
        `"${input}" has a label longer than ${MAX_LABEL_OCTETS} octets ("${label.slice(0, 20)}…").`,
      );
    }
    if (!LDH_LABEL.test(label)) {
      return fail(
        `"${input}" has the label "${label}": labels use only letters, digits and inner hyphens after IDNA.`,
      );
    }
  }
  const tld = asciiLabels[asciiLabels.length - 1] ?? '';
  if (SPECIAL_USE_TLDS.has(tld)) {
    return fail(`"${input}" is a special-use name (.${tld}) that is not in the public DNS.`);
  }
  for (const label of asciiLabels) {
    if (label.startsWith('xn--') && !isValidALabel(label)) {
      return fail(`"${input}" has the label "${label}", which is not a valid IDNA A-label.`);
    }
  }
  if (ascii.length > MAX_NAME_OCTETS) {
    return fail(`"${input}" is ${ascii.length} octets long; a domain name has at most ${MAX_NAME_OCTETS}.`);
  }
  return { ok: true, domain: ascii };
}

/**
 * RFC 7622 basics: `[local@]domain[/resource]`. The domain goes through `normalizeDomain`, so IP
 * literal and single-label domains (legal in JIDs) are refused: Hoplight can only grade DNS names.
 * The localpart is case-mapped with NFKC + lower case, close to PRECIS UsernameCaseMapped without
 * a PRECIS library (none small enough to ship in the extension).
 */
export function parseJid(input: unknown): JidResult {
  if (typeof input !== 'string') return { ok: false, error: 'The JID must be a string.' };
  const text = input.trim();
  if (text === '') return { ok: false, error: 'The JID is empty.' };
  const slash = text.indexOf('/');
  const beforeResource = slash === -1 ? text : text.slice(0, slash);
  const resource = slash === -1 ? null : text.slice(slash + 1);
  const at = beforeResource.indexOf('@');
  const rawLocal = at === -1 ? null : beforeResource.slice(0, at);
  const rawDomain = at === -1 ? beforeResource : beforeResource.slice(at + 1);

  let local: string | null = null;
  if (rawLocal !== null) {
    if (rawLocal === '') return { ok: false, error: `"${input}" has an empty localpart before "@".` };
    local = rawLocal.normalize('NFKC').toLowerCase().normalize('NFC');
    if (LOCALPART_FORBIDDEN.test(local) || CONTROL.test(local)) {
      return {
        ok: false,
        error: `"${input}": the localpart must not contain spaces, control characters or " & ' / : < > @.`,
      };
    }
    if (octets(local) > MAX_JID_PART_OCTETS) {
      return { ok: false, error: `"${input}": the localpart is longer than ${MAX_JID_PART_OCTETS} octets.` };
    }
  }
  if (rawDomain === '') return { ok: false, error: `"${input}" has no domain.` };
  const domain = normalizeDomain(rawDomain);
  if (!domain.ok) return { ok: false, error: `"${input}": ${domain.error}` };

  let normalizedResource: string | null = null;
  if (resource !== null) {
    if (resource === '') return { ok: false, error: `"${input}" has an empty resource after "/".` };
    normalizedResource = resource.normalize('NFC');
    if (CONTROL.test(normalizedResource)) {
      return { ok: false, error: `"${input}": the resource contains control characters.` };
    }
    if (octets(normalizedResource) > MAX_JID_PART_OCTETS) {
      return { ok: false, error: `"${input}": the resource is longer than ${MAX_JID_PART_OCTETS} octets.` };
    }
  }
  const bare = local === null ? domain.domain : `${local}@${domain.domain}`;
  const full = normalizedResource === null ? bare : `${bare}/${normalizedResource}`;
  return { ok: true, jid: { local, domain: domain.domain, resource: normalizedResource, bare, full } };
}

/** True when both name the same valid domain once normalised; false when either is invalid. */
export function isSameDomain(a: string, b: string): boolean {
  const left = normalizeDomain(a);
  const right = normalizeDomain(b);
  return left.ok && right.ok && left.domain === right.domain;
}

/**
 * UTS #46 validity of an A-label: it decodes as Punycode to a name with at least one non-ASCII
 * character, and the URL host parser (UTS #46 ToASCII, with its mapping and validity checks) turns
 * that name back into the same A-label. `xn--a`, `xn--ab-` or an A-label of a disallowed or unmapped
 * form fail.
 */
function isValidALabel(label: string): boolean {
  const unicode = decodePunycode(label.slice(4));
  if (unicode === null || unicode === '' || ![...unicode].some((c) => (c.codePointAt(0) ?? 0) > 0x7f))
    return false;
  try {
    return new URL(`http://${unicode}.invalid/`).hostname === `${label}.invalid`;
  } catch {
    return false;
  }
}

function fail(error: string): DomainResult {
  return { ok: false, error };
}
