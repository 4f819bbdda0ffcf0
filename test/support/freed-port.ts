// A loopback port nothing listens on: one the kernel gave a moment ago and that was closed again, for
// tests of a dead server or observatory.
import { createServer } from 'node:net';

export async function freedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
