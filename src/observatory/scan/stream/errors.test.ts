import { describe, expect, it } from 'vitest';
import { demandsClientCertificate } from './errors.ts';

describe('demandsClientCertificate', () => {
  it('reads TLS 1.3 certificate_required at once, and TLS 1.2 alerts only after the server sent its chain', () => {
    expect(demandsClientCertificate('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', false)).toBe(true);
    expect(demandsClientCertificate('ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE', true)).toBe(true);
    expect(demandsClientCertificate('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', true)).toBe(true);
    // Before any certificate, a handshake failure is a refused hello (no common version or suite).
    expect(demandsClientCertificate('ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE', false)).toBe(false);
    expect(demandsClientCertificate('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', true)).toBe(false);
    expect(demandsClientCertificate('ECONNRESET', true)).toBe(false);
    expect(demandsClientCertificate(null, true)).toBe(false);
  });
});
