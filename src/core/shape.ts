// Shape checks for data that comes from storage or the network before the pure functions read it:
// a malformed report or summary gives a ShapeError naming the bad field, never a TypeError deep
// inside grading. They check what this module reads, not every field (the API validates the rest).
// Written by hand: a schema library would be bundled into the extension for a few dozen checks.
import { READABLE_REPORT_VERSIONS, TLS_VERSIONS } from './report.ts';
import { SUMMARY_VERSION } from './summary.ts';

export class ShapeError extends Error {
  override name = 'ShapeError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new ShapeError(`${path} must be an object, got ${describe(value)}.`);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${path} must be an array, got ${describe(value)}.`);
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(`${path} must be a string, got ${describe(value)}.`);
  return value;
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ShapeError(`${path} must be a finite number, got ${describe(value)}.`);
  }
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean')
    throw new ShapeError(`${path} must be true or false, got ${describe(value)}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ShapeError(`${path} must be one of ${allowed.join(', ')}, got ${describe(value)}.`);
  }
  return value as T;
}

function eachOneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): void {
  for (const [i, item] of array(value, path).entries()) oneOf(item, allowed, `${path}[${i}]`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}

const ENCRYPTION = ['required', 'optional', 'none'] as const;
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const AUTH = ['pkix', 'dane', 'posh'] as const;
const LETTERS = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'] as const;
const GRADES = [...LETTERS, 'T'] as const;
const AVAILABILITY = ['served', 'none', 'failed'] as const;
const NO_SERVICE = ['nxdomain', 'no-address', 'srv-unavailable', 'refused'] as const;

function findings(value: unknown, path: string): void {
  array(value, path).forEach((item, i) => {
    const f = object(item, `${path}[${i}]`);
    string(f.code, `${path}[${i}].code`);
    oneOf(f.severity, SEVERITIES, `${path}[${i}].severity`);
    string(f.message, `${path}[${i}].message`);
  });
}

function tls(value: unknown, path: string): void {
  if (value === null) return;
  const t = object(value, path);
  eachOneOf(t.versions, TLS_VERSIONS, `${path}.versions`);
  array(t.perVersion, `${path}.perVersion`).forEach((item, i) => {
    const p = `${path}.perVersion[${i}]`;
    const entry = object(item, p);
    array(entry.suites, `${p}.suites`).forEach((s, j) => {
      const suite = object(s, `${p}.suites[${j}]`);
      string(suite.name, `${p}.suites[${j}].name`);
      string(suite.keyExchange, `${p}.suites[${j}].keyExchange`);
      string(suite.cipher, `${p}.suites[${j}].cipher`);
      number(suite.bits, `${p}.suites[${j}].bits`);
      for (const flag of ['aead', 'forwardSecrecy', 'export', 'anonymous', 'smallBlock', 'rc4']) {
        boolean(suite[flag], `${p}.suites[${j}].${flag}`);
      }
    });
  });
  if (t.dhBits !== null) number(t.dhBits, `${path}.dhBits`);
  boolean(t.compression, `${path}.compression`);
}

function certificate(value: unknown, path: string): void {
  if (value === null) return;
  const c = object(value, path);
  array(c.chain, `${path}.chain`).forEach((item, i) => {
    const cert = object(item, `${path}.chain[${i}]`);
    string(cert.keyType, `${path}.chain[${i}].keyType`);
    number(cert.keyBits, `${path}.chain[${i}].keyBits`);
    string(cert.signatureHash, `${path}.chain[${i}].signatureHash`);
    const names = object(cert.names, `${path}.chain[${i}].names`);
    for (const list of ['dnsIds', 'srvIds', 'xmppAddrs'])
      array(names[list], `${path}.chain[${i}].names.${list}`);
  });
  for (const flag of ['trusted', 'selfSigned', 'expired', 'notYetValid']) boolean(c[flag], `${path}.${flag}`);
  boolean(object(c.identity, `${path}.identity`).matches, `${path}.identity.matches`);
}

function dane(value: unknown, path: string): void {
  if (value === null) return;
  const d = object(value, path);
  string(d.name, `${path}.name`);
  boolean(d.dnssec, `${path}.dnssec`);
  array(d.records, `${path}.records`);
  if (d.matches !== null) boolean(d.matches, `${path}.matches`);
}

function serviceReport(value: unknown, path: string): void {
  const s = object(value, path);
  oneOf(s.encryption, ENCRYPTION, `${path}.encryption`);
  boolean(s.dialback, `${path}.dialback`);
  findings(s.findings, `${path}.findings`);
  if (s.posh !== null) {
    const posh = object(s.posh, `${path}.posh`);
    boolean(posh.found, `${path}.posh.found`);
    if (posh.matches !== null) boolean(posh.matches, `${path}.posh.matches`);
  }
  array(s.targets, `${path}.targets`).forEach((item, i) => {
    const p = `${path}.targets[${i}]`;
    const t = object(item, p);
    string(t.host, `${p}.host`);
    number(t.port, `${p}.port`);
    array(t.addresses, `${p}.addresses`);
    if (t.address !== undefined && t.address !== null) string(t.address, `${p}.address`);
    oneOf(t.status, ['ok', 'error'] as const, `${p}.status`);
    findings(t.findings, `${p}.findings`);
    tls(t.tls, `${p}.tls`);
    certificate(t.certificate, `${p}.certificate`);
    dane(t.dane, `${p}.dane`);
  });
}

/** Throws a ShapeError naming the first bad field of something that should be a DomainReport. */
export function assertGradableReport(value: unknown): void {
  const r = object(value, 'report');
  if (typeof r.reportVersion !== 'number' || !READABLE_REPORT_VERSIONS.includes(r.reportVersion)) {
    throw new ShapeError(
      `report.reportVersion must be one of ${READABLE_REPORT_VERSIONS.join(', ')}, got ${describe(r.reportVersion)}.`,
    );
  }
  string(r.domain, 'report.domain');
  string(r.scannedAt, 'report.scannedAt');
  const services = object(r.services, 'report.services');
  serviceReport(services.c2s, 'report.services.c2s');
  serviceReport(services.s2s, 'report.services.s2s');
}

function serviceSummary(value: unknown, path: string): void {
  const s = object(value, path);
  if (s.grade !== null) oneOf(s.grade, GRADES, `${path}.grade`);
  if (s.gradeIfTrusted !== null) oneOf(s.gradeIfTrusted, LETTERS, `${path}.gradeIfTrusted`);
  oneOf(s.encryption, ENCRYPTION, `${path}.encryption`);
  eachOneOf(s.tlsVersions, TLS_VERSIONS, `${path}.tlsVersions`);
  eachOneOf(s.authentication, AUTH, `${path}.authentication`);
  boolean(s.dialback, `${path}.dialback`);
  findings(s.findings, `${path}.findings`);
  oneOf(s.availability, AVAILABILITY, `${path}.availability`);
  if (s.noService !== null) oneOf(s.noService, NO_SERVICE, `${path}.noService`);
  for (const [i, offer] of array(s.suites, `${path}.suites`).entries()) {
    const o = object(offer, `${path}.suites[${i}]`);
    oneOf(o.version, TLS_VERSIONS, `${path}.suites[${i}].version`);
    for (const [j, code] of array(o.codes, `${path}.suites[${i}].codes`).entries()) {
      number(code, `${path}.suites[${i}].codes[${j}]`);
    }
  }
  if (s.serverPreference !== null) boolean(s.serverPreference, `${path}.serverPreference`);
  if (s.refusesUnauthenticated !== null) boolean(s.refusesUnauthenticated, `${path}.refusesUnauthenticated`);
  if (s.software !== null) {
    const software = object(s.software, `${path}.software`);
    string(software.name, `${path}.software.name`);
    if (software.version !== null) string(software.version, `${path}.software.version`);
  }
}

/** Throws a ShapeError naming the first bad field of something that should be a DomainSummary. */
export function assertDomainSummary(value: unknown): void {
  const s = object(value, 'summary');
  if (s.summaryVersion !== SUMMARY_VERSION) {
    throw new ShapeError(
      `summary.summaryVersion must be ${SUMMARY_VERSION}, got ${describe(s.summaryVersion)}.`,
    );
  }
  string(s.domain, 'summary.domain');
  string(s.scannedAt, 'summary.scannedAt');
  number(s.rubricVersion, 'summary.rubricVersion');
  const services = object(s.services, 'summary.services');
  serviceSummary(services.c2s, 'summary.services.c2s');
  serviceSummary(services.s2s, 'summary.services.s2s');
  for (const [i, endpoint] of array(s.s2sEndpoints, 'summary.s2sEndpoints').entries()) {
    string(endpoint, `summary.s2sEndpoints[${i}]`);
  }
}
