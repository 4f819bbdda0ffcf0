// `regrade`: re-grades the stored reports made by an older rubric, without rescanning, and says how many.
import { parseArgs } from 'node:util';
import { errorText } from '../../core/error-text.ts';
import { regradeStored } from '../regrade.ts';
import { openStore } from '../store/open-store.ts';

export async function regradeCommand(argv: string[]): Promise<number> {
  let sqlitePath: string | undefined;
  try {
    sqlitePath = parseArgs({ args: argv, options: { db: { type: 'string' } } }).values.db;
  } catch (error) {
    process.stderr.write(`regrade: ${errorText(error)}\n`);
    return 2;
  }
  try {
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL || undefined, sqlitePath });
    try {
      const changed = await regradeStored(store);
      process.stdout.write(`regrade: ${changed} stored report${changed === 1 ? '' : 's'} re-graded\n`);
    } finally {
      await store.close();
    }
    return 0;
  } catch (error) {
    process.stderr.write(`regrade: ${errorText(error)}\n`);
    return 1;
  }
}
