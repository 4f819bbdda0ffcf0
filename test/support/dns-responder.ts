// A scripted DNS server on 127.0.0.1 (UDP and TCP on the same OS-chosen port) for unit tests of
// the scanner's DNS code: answers from a table, with per-name AD bit, rcode, silence or truncation.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';

export interface ZoneEntry {
  answers?: dnsPacket.Answer[];
  /** NXDOMAIN, SERVFAIL, REFUSED…; default NOERROR. */
  rcode?: string;
  /** Set AD on the answer. */
  ad?: boolean;
  /** Never answer (to test timeouts). */
  silent?: boolean;
  /** Answer UDP with TC set and no records, so the client must retry over TCP. */
  truncateUdp?: boolean;
}

export interface DnsResponder {
  host: string;
  port: number;
  /** Queries seen, as `TYPE name` with the transport. */
  log: {
    type: string;
    name: string;
    transport: 'udp' | 'tcp';
    flags: number;
    edns: boolean;
    dnssecOk: boolean;
  }[];
  close(): Promise<void>;
}

const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};

/** Zone keys are `TYPE name`, e.g. `SRV _xmpp-client._tcp.example.test`. */
export async function startDnsResponder(zone: Record<string, ZoneEntry>): Promise<DnsResponder> {
  const log: DnsResponder['log'] = [];
  const answer = (msg: Buffer, transport: 'udp' | 'tcp'): Buffer | null => {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (!question) return null;
    const opt = q.additionals?.find((a) => a.type === 'OPT') as { flags?: number } | undefined;
    log.push({
      type: question.type,
      name: question.name,
      transport,
      flags: q.flags ?? 0,
      edns: opt !== undefined,
      dnssecOk: ((opt?.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0,
    });
    const entry = zone[`${question.type} ${question.name.toLowerCase()}`] ?? { rcode: 'NXDOMAIN' };
    if (entry.silent) return null;
    const truncated = transport === 'udp' && entry.truncateUdp === true;
    const flags =
      dnsPacket.RECURSION_AVAILABLE |
      (entry.ad ? dnsPacket.AUTHENTIC_DATA : 0) |
      (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
      (RCODES[entry.rcode ?? 'NOERROR'] ?? 2);
    return dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags,
      questions: [question],
      answers: truncated ? [] : (entry.answers ?? []),
    });
  };

  const udp: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const port = udp.address().port;
  udp.on('message', (msg, rinfo) => {
    const out = answer(msg, 'udp');
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });

  const tcp: Server = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.on('error', () => {});
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
        const len = buf.readUInt16BE(0);
        const out = answer(buf.subarray(2, len + 2), 'tcp');
        buf = buf.subarray(len + 2);
        if (out) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length);
          conn.write(Buffer.concat([prefix, out]));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    host: '127.0.0.1',
    port,
    log,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
