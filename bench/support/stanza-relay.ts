// A TCP relay in front of the user's server's WebSocket port that records every XMPP frame the client
// sends (RFC 7395: one stanza or stream element per WebSocket message): when, how big, and which
// element. The bench counts stanzas sent per check from it, and replays it through the shaper model.
// Written by hand: it only has to read frame headers and unmask, which no relay library exposes.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { SentStanza } from './shaper.ts';

export interface RecordedFrame extends SentStanza {
  /** The element's name: iq, presence, message, open, close, … ('?' when it is not text). */
  element: string;
}

export interface StanzaRelay {
  /** Where clients connect instead of the server: `host:port`. */
  address: string;
  /** Frames recorded since the last `reset`, in order. */
  frames(): readonly RecordedFrame[];
  reset(): void;
  close(): Promise<void>;
}

export async function startStanzaRelay(options: {
  listenHost: string;
  target: { host: string; port: number };
}): Promise<StanzaRelay> {
  let recorded: RecordedFrame[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(options.target.port, options.target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    let buffered = Buffer.alloc(0);
    let upgraded = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      if (!upgraded) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        upgraded = true;
        buffered = buffered.subarray(end + 4);
      }
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 1)
          recorded.push({
            atMs: performance.now(),
            bytes: frame.payload.length,
            element: elementName(frame.payload),
          });
      }
    });
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((resolve) => server.listen(0, options.listenHost, resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `${options.listenHost}:${port}`,
    frames: () => recorded,
    reset() {
      recorded = [];
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** One client frame (masked, RFC 6455 §5.2), or null when the buffer holds less than one. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (buf.length < 2) return null;
  const opcode = (buf[0] as number) & 0x0f;
  const masked = ((buf[1] as number) & 0x80) !== 0;
  let length = (buf[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (masked)
    for (let i = 0; i < payload.length; i++)
      payload[i] = (payload[i] as number) ^ (buf[maskAt + (i % 4)] as number);
  return { opcode, payload, length: offset + length };
}

function elementName(payload: Buffer): string {
  const match = /^\s*<([A-Za-z][\w:-]*)/.exec(payload.subarray(0, 64).toString('utf8'));
  return match?.[1] ?? '?';
}
