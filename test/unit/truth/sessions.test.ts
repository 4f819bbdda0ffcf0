// Reading the servers' own reports: Prosody's shell tables and ejabberd's log lines, as recorded
// from the lab (Prosody 0.12.3, ejabberd 23.01), and what one direction's link state becomes.
import { describe, expect, it } from 'vitest';
import { directionLink, type LinkReports } from '../../support/truth/direction-link.ts';
import { parseEjabberdLog } from '../../support/truth/ejabberd-sessions.ts';
import { type ProsodySession, parseProsodySessions } from '../../support/truth/prosody-sessions.ts';

const SHOW = `Session ID           | Type         | Host                   | Dir  | Remote                 | Security  | Certificate  | SASL       | Dialback     
s2sin555fa00e9650    | s2sin        | weak.test              | <--  | badposh.test           | TLSv1.3   | Unknown      |            | Not used     
s2sout555fa03609b0   | s2sout       | weak.test              | -->  | ejabberd.test          | TLSv1.3   | Valid        | Failed     | Completed    
s2sin555fa03a4770    | s2sin        | weak.test              | <--  | ejabberd.test          | TLSv1.3   | Valid        | Succeeded  | Not used     
s2sout555fa048ffe0   | s2sout       | weak.test              | -->  | plain.test             | insecure  | Unknown      |            | Completed    
s2sin557b0db43a50    | s2sin_unaut… | weak.test              | <--  | plain.test             | insecure  | Unknown      |            | Not initiated
OK: 5 s2s connections shown
`;
const TLS = `Session ID           | Host                   | Dir  | Remote                 | Security  | Encryption                     | Certificate 
s2sin555fa03a4770    | weak.test              | <--  | ejabberd.test          | TLSv1.3   | TLS_AES_256_GCM_SHA384         | Valid       
OK: 1 s2s connections shown
`;
const LOG = `2026-12-01 05:47:58.929911+00:00 [warning] <0.600.0>@ejabberd_s2s_in:handle_auth_failure/4:200 (tls|<0.600.0>) Failed inbound s2s EXTERNAL authentication weak.test -> ejabberd.test (127.0.0.1): self signed certificate
2026-12-01 05:45:13.876207+00:00 [info] <0.576.0>@ejabberd_s2s_in:handle_auth_success/4:183 (tls|<0.576.0>) Accepted inbound s2s EXTERNAL authentication good.test -> ejabberd.test (127.0.0.1)
2026-12-01 05:45:13.896674+00:00 [info] <0.575.0>@ejabberd_s2s_out:handle_auth_success/2:223 (tls|<0.575.0>) Accepted outbound s2s EXTERNAL authentication ejabberd.test -> good.test (127.0.2.2)
00:00 [info] <0.594.0>@ejabberd_s2s_in:handle_auth_success/4:183 (tls|<0.594.0>) Accepted inbound s2s dialback authentication weak.test -> ejabberd.test (127.0.0.1)
00:00 [warning] <0.586.0>@ejabberd_s2s_out:process_closed/2:157 Failed to establish outbound s2s connection ejabberd.test -> dead.test: Connection failed: connection refused; bouncing for 172 seconds
00:00 [info] <0.334.0>@ejabberd_listener:accept/7:273 (<0.608.0>) Accepted connection 127.0.0.1:44706 -> 127.0.2.20:5222
`;

describe('Prosody session tables', () => {
  const sessions = parseProsodySessions(SHOW, TLS);

  it('reads every row with its direction, security, certificate verdict, SASL and dialback', () => {
    expect(sessions).toHaveLength(5);
    expect(sessions[2]).toEqual({
      id: 's2sin555fa03a4770',
      type: 's2sin',
      host: 'weak.test',
      direction: 'in',
      remote: 'ejabberd.test',
      security: 'TLSv1.3',
      certificate: 'Valid',
      sasl: 'Succeeded',
      dialback: 'Not used',
      cipher: 'TLS_AES_256_GCM_SHA384',
    });
    expect(sessions[4]!.type).toBe('s2sin_unaut…');
    expect(sessions[3]!.cipher).toBeNull();
  });

  it('reads nothing from an empty answer', () => {
    expect(parseProsodySessions('', '')).toEqual([]);
  });
});

describe('ejabberd log', () => {
  it('finds accepted streams with their method, and failures with the reason', () => {
    expect(parseEjabberdLog(LOG)).toEqual([
      {
        direction: 'in',
        from: 'weak.test',
        to: 'ejabberd.test',
        auth: null,
        failure: 'EXTERNAL: self signed certificate',
      },
      { direction: 'in', from: 'good.test', to: 'ejabberd.test', auth: 'certificate', failure: null },
      { direction: 'out', from: 'ejabberd.test', to: 'good.test', auth: 'certificate', failure: null },
      { direction: 'in', from: 'weak.test', to: 'ejabberd.test', auth: 'dialback', failure: null },
      {
        direction: 'out',
        from: 'ejabberd.test',
        to: 'dead.test',
        auth: null,
        failure: 'Connection failed: connection refused',
      },
    ]);
  });
});

describe('one direction’s link state', () => {
  const prosody = new Map<string, ProsodySession[]>([['weak.test', parseProsodySessions(SHOW, TLS)]]);
  const reports: LinkReports = {
    serverOf: (d) => (d.startsWith('ejabberd') ? 'ejabberd' : d === 'dead.test' ? null : 'prosody'),
    prosody,
    ejabberd: parseEjabberdLog(LOG),
  };

  it('takes the receiver’s word on authentication: ejabberd took weak.test by dialback after EXTERNAL failed', () => {
    expect(directionLink('weak.test', 'ejabberd.test', reports)).toEqual({
      encrypted: true,
      tlsVersion: 'TLSv1.3',
      cipher: null,
      initiatorAuth: 'dialback',
      receiverCertificate: 'valid',
      sources: ['weak.test s2sout', 'ejabberd log'],
    });
  });

  it('marks the receiver’s certificate unchecked when ejabberd initiates', () => {
    const link = directionLink('ejabberd.test', 'weak.test', reports);
    expect(link?.initiatorAuth).toBe('certificate');
    expect(link?.receiverCertificate).toBe('unchecked');
    expect(link?.cipher).toBe('TLS_AES_256_GCM_SHA384');
  });

  it('reads an incoming Prosody stream without SASL as dialback, and plaintext as such', () => {
    expect(directionLink('badposh.test', 'weak.test', reports)?.initiatorAuth).toBe('dialback');
    const plain = directionLink('weak.test', 'plain.test', reports);
    expect(plain?.encrypted).toBe(false);
    expect(plain?.tlsVersion).toBeNull();
  });

  it('finds no link where only an unauthenticated stream or a failure was reported', () => {
    expect(directionLink('plain.test', 'weak.test', reports)).toBeNull();
    expect(directionLink('ejabberd.test', 'dead.test', reports)).toBeNull();
  });
});
