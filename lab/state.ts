// The running lab as other code sees it: written to lab/.state/lab.json by `up`, read by tests and
// the scanner's lab-facing code, removed by `down`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
export const STATE_DIR = join(LAB_DIR, '.state');
export const STATE_FILE = join(STATE_DIR, 'lab.json');

export interface LabUserState {
  jid: string;
  password: string;
}

export interface LabDomainState {
  /** Which software serves it; absent in states written before ejabberd joined the lab (Prosody). */
  server?: 'prosody' | 'ejabberd';
  address: string;
  c2sPort: number;
  s2sPort: number;
  c2sDirectPort: number | null;
  s2sDirectPort: number | null;
  httpPort: number | null;
  httpsPort: number | null;
  websocketUrl: string | null;
  boshUrl: string | null;
  /** Same endpoints over HTTPS (5281), by domain name: the certificate is for the name. */
  websocketSecureUrl: string | null;
  boshSecureUrl: string | null;
  /**
   * HTTPS port (443) serving RFC 7711 POSH documents under /.well-known/posh/; null without POSH.
   * Optional so that hand-made states (tests of code that reads the state) need not carry it.
   */
  poshPort?: number | null;
  /** Expected properties, e.g. `cert:self-signed`, `tls:1.0+`, `s2s:encryption-optional`, `dane:valid`, `posh:valid`. */
  traits: string[];
  users: LabUserState[];
  /** PEM file of the certificate the domain serves; null without TLS. */
  certFile: string | null;
}

export interface LabProcess {
  name: string;
  pid: number;
  /** A string that must appear in /proc/PID/cmdline, so a recycled pid is never killed. */
  marker: string;
  /** A wrapper (runuser) that exits once its child does: stopped after the others. */
  wrapper?: boolean;
}

export interface LabState {
  /** Validating resolver: answers every lab name and sets AD on the signed zone. */
  resolver: { host: string; port: number };
  /** Plain resolver (dnsmasq) for every `*.test` name, no DNSSEC. */
  plainResolver: { host: string; port: number };
  /** The lab CA (PEM); the scanner takes it as an extra trust anchor. */
  caFile: string;
  /** DNSSEC-signed zone served by nsd, with its DS record as trusted by the resolver. */
  signedZone: { name: string; ds: string };
  domains: Record<string, LabDomainState>;
  processes: LabProcess[];
  /** Names with no server: an address and SRV records with nothing listening, or no record at all. */
  serverless?: { domain: string; address: string | null }[];
  /** The ejabberd node serving the ejabberd domains: how to run `ejabberdctl` against it, its log. */
  ejabberd?: { ctlArgs: string[]; logFile: string; domains: string[] } | null;
  /** ISO time the lab was started. */
  startedAt: string;
}

/** The state of a lab started earlier, or null when there is none (or the file is unreadable). */
export function readLabState(file: string = STATE_FILE): LabState | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export function writeLabState(state: LabState, file: string = STATE_FILE): void {
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename, so a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeLabState(file: string = STATE_FILE): void {
  rmSync(file, { force: true });
}
