// A DNS server on 127.0.0.1 (UDP and TCP on one port) that answers each query with whatever the current
// fuzz case says: bytes built from the real query (so id and question can match) and then mutated. After
// every UDP answer it sends a plain empty NOERROR, so a client that ignores the hostile answer (wrong id,
// wrong question, unreadable) settles at once instead of timing out.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import dnsPacket from 'dns-packet';

export interface Query {
  id: number;
  name: string;
  type: string;
}

/** Turns a query into the bytes to answer with; TCP answers go out after their length prefix. */
export interface HostileCase {
  udp(q: Query): Uint8Array;
  /** The TCP answer, or null to close the connection without one. */
  tcp(q: Query): Uint8Array | null;
  /** The 2-byte length prefix of the TCP answer; undefined: the true length. */
  tcpLength?: number;
}

export interface HostileDns {
  host: string;
  port: number;
  use(c: HostileCase): void;
  close(): Promise<void>;
}

function readQuery(msg: Buffer): Query | null {
  try {
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    return question ? { id: q.id ?? 0, name: question.name, type: question.type } : null;
  } catch {
    return null;
  }
}

/** An empty NOERROR answer to the query: what settles the client when the hostile answer is ignored. */
export function emptyAnswer(q: Query): Buffer {
  return dnsPacket.encode({
    type: 'response',
    id: q.id,
    flags: dnsPacket.RECURSION_AVAILABLE,
    questions: [{ name: q.name, type: q.type as dnsPacket.RecordType }],
    answers: [],
  });
}

export async function startHostileDns(): Promise<HostileDns> {
  let current: HostileCase | null = null;
  const conns = new Set<TcpSocket>();

  for (let attempt = 0; ; attempt++) {
    const udp: Socket = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp: Server = createServer((conn) => {
      conns.add(conn);
      conn.on('close', () => conns.delete(conn));
      conn.on('error', () => {});
      let buf = Buffer.alloc(0);
      conn.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < buf.readUInt16BE(0) + 2) return;
        const q = readQuery(buf.subarray(2, buf.readUInt16BE(0) + 2));
        const out = q && current ? current.tcp(q) : null;
        if (out === null) {
          conn.destroy();
          return;
        }
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(Math.min(current?.tcpLength ?? out.length, 0xffff));
        conn.end(Buffer.concat([prefix, out]));
      });
    });
    udp.on('message', (msg, rinfo) => {
      const q = readQuery(msg);
      if (!q || !current) return;
      udp.send(current.udp(q), rinfo.port, rinfo.address);
      udp.send(emptyAnswer(q), rinfo.port, rinfo.address);
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (attempt < 10) continue;
      throw new Error('no port free for both UDP and TCP');
    }
    return {
      host: '127.0.0.1',
      port,
      use: (c) => {
        current = c;
      },
      close: async () => {
        for (const c of conns) c.destroy();
        await new Promise<void>((r) => udp.close(() => r()));
        await new Promise<void>((r) => tcp.close(() => r()));
      },
    };
  }
}
