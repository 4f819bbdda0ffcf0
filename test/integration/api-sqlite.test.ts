import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/observatory/store/open-store.ts';
import { apiSuite } from '../support/observatory-api-suite.ts';
import { labScan } from '../support/observatory-scan.ts';

const dir = mkdtempSync(join(tmpdir(), 'hoplight-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

apiSuite(
  {
    name: 'SQLite',
    open: () => openStore({ sqlitePath: join(dir, 'api.sqlite') }),
    queueOptions: { pollMs: 50 },
  },
  labScan,
);
