import { describe, expect, it } from 'vitest';
import type { S2sOutcome } from '../../../core/observation.ts';
import { linkFailure, outcomeOfError } from './observe-outcome.ts';

const context = { userDomain: 'good.test', domain: 'weak.test' };
const prosody = (text: string) => `Server-to-server connection failed: ${text}`;

describe('linkFailure: the texts servers give with remote-server-not-found/-timeout', () => {
  // Seen in the lab (Prosody 0.12.3 as the user's server), and ejabberd 23.01's format_error texts.
  const cases: [string, S2sOutcome, string][] = [
    [prosody('NXDomain in A lookup'), 'no-such-domain', 'Prosody, nonexist.test'],
    [prosody('NXDomain in AAAA lookup'), 'no-such-domain', 'Prosody, IPv6 lookup last'],
    [prosody('NOERROR in A lookup'), 'no-such-domain', 'Prosody, a name without address'],
    [prosody('service explicitly unavailable'), 'no-such-domain', 'Prosody, SRV "."'],
    ['DNS lookup failed: non-existing domain', 'no-such-domain', 'ejabberd, NXDOMAIN'],
    [prosody('ServFail in A lookup'), 'failed', 'Prosody, a name its resolver cannot answer'],
    [prosody('Validation error in SRV lookup'), 'failed', 'Prosody, DNSSEC bogus'],
    ['DNS lookup failed: timeout', 'failed', 'ejabberd, DNS timeout'],
    [prosody('connection refused'), 'unreachable', 'Prosody, 127.0.2.254 (nothing listening)'],
    [prosody('connection-timeout'), 'unreachable', "Prosody's own s2s_timeout"],
    ['Connection failed: connection refused', 'unreachable', 'ejabberd'],
    ['Connection failed: connection timed out', 'unreachable', 'ejabberd'],
    ['Connection failed: host is unreachable', 'unreachable', 'ejabberd'],
    [prosody('unsupported-stanza-type'), 'refused-encryption', 'Prosody requiring TLS → plain.test'],
    [
      prosody('policy-violation (Encrypted server-to-server communication is required but was not offered)'),
      'refused-encryption',
      'Prosody peer requiring TLS',
    ],
    [
      'Stream closed by peer: Use of STARTTLS required (policy-violation)',
      'refused-encryption',
      'ejabberd peer requiring STARTTLS',
    ],
    ['TLS failed: handshake failure', 'refused-encryption', 'ejabberd, no common version or suite'],
    [prosody("Remote server's certificate is not trusted"), 'refused-certificate', 'other.test → weak.test'],
    [prosody("Remote server's certificate has expired"), 'refused-certificate', 'other.test → expired.test'],
    [
      prosody("Remote server's certificate is not valid for this name"),
      'refused-certificate',
      'other.test → wrongname.test',
    ],
    [
      prosody("not-authorized (Your server's certificate is not trusted)"),
      'refused-certificate',
      'weak.test → other.test (the peer refused us)',
    ],
    ['Peer certificate rejected: certificate has expired', 'refused-certificate', 'ejabberd'],
    [prosody('No viable authentication method offered'), 'refused-policy', 'Prosody, no dialback'],
    ['Authentication failed: dialback refused', 'refused-policy', 'ejabberd'],
    ['Stream closed by peer: not-authorized', 'refused-policy', 'a peer refusing us'],
    [prosody('something new'), 'failed', 'a text nobody has seen yet'],
  ];
  it.each(cases)('%s → %s (%s)', (text, outcome) => {
    expect(linkFailure(text)).toBe(outcome);
  });

  it('gives failed when the server says nothing', () => {
    expect(linkFailure(null)).toBe('failed');
  });
});

describe('outcomeOfError', () => {
  it('reads remote-server-not-found and -timeout through their text, whoever set by', () => {
    expect(
      outcomeOfError(
        { condition: 'remote-server-not-found', text: prosody('NXDomain in A lookup'), by: 'good.test' },
        context,
      ),
    ).toBe('no-such-domain');
    expect(
      outcomeOfError(
        {
          condition: 'remote-server-timeout',
          text: prosody("Remote server's certificate is not trusted"),
          by: 'other.test',
        },
        { userDomain: 'other.test', domain: 'weak.test' },
      ),
    ).toBe('refused-certificate');
    expect(outcomeOfError({ condition: 'remote-server-timeout', text: null, by: null }, context)).toBe(
      'failed',
    );
  });

  it('counts an error the remote server returned as a working link', () => {
    for (const condition of ['service-unavailable', 'feature-not-implemented', 'forbidden']) {
      expect(outcomeOfError({ condition, text: null, by: 'weak.test' }, context), condition).toBe('ok');
    }
    // ejabberd sets no `by`: the usual "I do not do that" answers still come from the remote.
    expect(outcomeOfError({ condition: 'service-unavailable', text: null, by: null }, context)).toBe('ok');
    expect(outcomeOfError({ condition: 'feature-not-implemented', text: null, by: null }, context)).toBe(
      'ok',
    );
  });

  it('reads a refusal by the user’s own server as not-allowed (unknown, never red)', () => {
    for (const condition of ['not-allowed', 'forbidden', 'service-unavailable', 'policy-violation']) {
      expect(outcomeOfError({ condition, text: null, by: 'GOOD.test' }, context), condition).toBe(
        'not-allowed',
      );
    }
  });

  it('gives error (unknown) when nothing says who refused', () => {
    expect(outcomeOfError({ condition: 'forbidden', text: null, by: null }, context)).toBe('error');
    expect(outcomeOfError({ condition: 'internal-server-error', text: null, by: null }, context)).toBe(
      'error',
    );
  });
});
