// What an operator should fix, read from one target's stream result.
import type { Finding, ServiceKind, StreamResult } from '../../../core/report.ts';

export function streamFindings(
  stream: StreamResult,
  service: ServiceKind,
  directTls: boolean,
  target?: string,
): Finding[] {
  const at = target ? { target } : {};
  const out: Finding[] = [];
  const policy = service === 'c2s' ? 'c2s_require_encryption' : 's2s_require_encryption';
  if (!directTls && stream.starttls === 'none') {
    out.push({
      code: 'stream.starttls.none',
      severity: 'critical',
      message: 'The server does not offer STARTTLS: everything on this connection travels in plaintext.',
      fix: `Configure a certificate and enable TLS (in Prosody: ssl = { … } and ${policy} = true).`,
      ...at,
    });
  } else if (!directTls && stream.starttls === 'offered') {
    out.push({
      code: 'stream.starttls.optional',
      severity: 'high',
      message: 'STARTTLS is offered but not required: an active attacker can strip it and force plaintext.',
      fix: `Require encryption (in Prosody: ${policy} = true; in ejabberd: starttls_required: true).`,
      ...at,
    });
  }
  if (stream.saslBeforeTls.includes('PLAIN')) {
    out.push({
      code: 'stream.sasl.plain-before-tls',
      severity: 'high',
      message: 'SASL PLAIN is offered before TLS: clients may send passwords in the clear.',
      fix: 'Offer authentication only after TLS (require encryption, or allow_unencrypted_plain_auth = false).',
      ...at,
    });
  }
  if (service === 's2s' && !stream.dialback && !stream.saslExternal) {
    out.push({
      code: 'stream.s2s.no-auth-method',
      severity: 'info',
      message:
        'Neither dialback nor SASL EXTERNAL was offered to our probe (which presents no client certificate).',
      fix: 'Enable server dialback or make sure peers with valid certificates are offered SASL EXTERNAL.',
      ...at,
    });
  }
  return out;
}
