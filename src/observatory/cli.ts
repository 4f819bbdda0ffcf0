// `hoplight-observatory`: scan one domain or a list, serve the API and pages, or run scan workers.
import { scanCommand } from './commands/scan.ts';

const USAGE = `Usage: hoplight-observatory <command> [options]

Commands:
  scan DOMAIN            scan one XMPP domain and print its report
  scan --file LIST       scan every domain in LIST (one per line), one report file each
  path FROM TO           scan two domains and print the path between them: hops, lights, reasons
  serve                  run the JSON API and the pages
  worker                 run scan workers only (with DATABASE_URL, PostgreSQL)
  regrade                re-grade stored reports made by an older rubric (serve and worker do it at start)

Scan options:
  --json                 print the versioned JSON report (or path) instead of the text one
  --resolver HOST[:PORT] DNS resolver to ask (default: the system's first nameserver)
  --ca FILE              extra trust anchor (PEM), besides Mozilla's roots
  --allow-private        allow targets on loopback, private or other non-public addresses
  --timeout MS           budget for one network step (default 5000)
  --concurrency N        connections at once per host (default 4)
  --lab                  take resolver, CA and private-address permission from the running lab
  --out DIR              with --file: where the reports go (default ./reports)

Serve and worker options (and the scan options above, for the scans they run):
  --port N               serve: listen port (default 8080, or $PORT)
  --host ADDR            serve: listen address (default 127.0.0.1, or $HOST)
  --db FILE              SQLite file (default ./data/hoplight.sqlite); DATABASE_URL selects PostgreSQL (also regrade)
  --workers N            scans at once in this process (serve on SQLite: 4; serve on PostgreSQL: 0)
  --rate-limit N         serve: API requests per client per minute (default 300)
  --snapshot-mb-per-hour N  serve: megabytes of snapshot bodies per client per hour; revalidations
                         (304) are not counted (default 1024)
  --rescan-per-hour N    rescan known domains whose report is old, at most N per hour per process that
                         runs scan workers, through the same queue and limits (default 60; 0: off)
  --rescan-after HOURS   a report this old is due for a rescan (default 144: a day before it turns stale)
  --keep-scans N         scans kept per domain, newest first (default 20)
  --drop-unreachable-days N  a domain where no scan ever found a server is forgotten N days after its last
                         scan (default 7)
  --trust-proxy LIST     serve: behind a reverse proxy, whose X-Forwarded-For names the client: its
                         addresses or ranges (10.0.0.1,10.1.0.0/16), a hop count, or true (or $TRUST_PROXY)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanCommand(rest);
    case 'regrade': {
      const { regradeCommand } = await import('./commands/regrade.ts');
      return regradeCommand(rest);
    }
    case 'path': {
      const { pathCommand } = await import('./commands/path.ts');
      return pathCommand(rest);
    }
    case 'serve':
    case 'worker': {
      const { serviceCommand } = await import('./commands/service.ts');
      return serviceCommand(command, rest);
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

export { USAGE };
