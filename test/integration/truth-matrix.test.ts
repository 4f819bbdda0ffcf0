// The truth matrix (issue 9): for every ordered pair of lab domains where the first can send, a real
// message each way, each s2s link's real state from both servers, the truth light (DESIGN §1's rule,
// both directions), and the light the product computes through its own code path (scan with --lab →
// summary → computePath). Prints the whole table; every pair must agree, none may be greener.
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabState, readLabState } from '../../lab/state.ts';
import { type MatrixRow, matrixRow } from '../support/truth/matrix-row.ts';
import { formatMatrix } from '../support/truth/matrix-table.ts';
import { directionKey, type Measured, measureTruth } from '../support/truth/measure.ts';
import { type Observed, observeFrom } from '../support/truth/observe-from.ts';
import { mapLimit } from '../support/truth/pool.ts';
import { labSummary, productLight, type ScannedSummary } from '../support/truth/product-light.ts';
import { trustLabCertificates } from '../support/xmpp.ts';

let state: LabState;
let measured: Measured;
let summaries: Map<string, ScannedSummary>;
let rows: MatrixRow[];
let wallMs: number;
/** The test account whose server observes, as the extension's does: its pairs use observation too. */
const OBSERVER = 'alice@good.test';
const OBSERVER_DOMAIN = 'good.test';
let observed: Observed;

describe('the truth matrix: real messages between every pair of lab servers vs the product’s light', () => {
  beforeAll(async () => {
    const t = performance.now();
    const s = readLabState(process.env.HOPLIGHT_LAB_STATE);
    if (!s) throw new Error('truth matrix: no running lab');
    state = s;
    trustLabCertificates(state);
    const receivers = [...Object.keys(state.domains), ...(state.serverless ?? []).map((d) => d.domain)];
    // Scans and messages run side by side: the scanner's probes use a domain of their own.
    let scanMs = 0;
    const [m, scanned] = await Promise.all([
      measureTruth(state, { waitMs: 15_000, concurrency: 12 }),
      mapLimit(receivers, 4, async (d) => [d, await labSummary(d)] as const).finally(() => {
        scanMs = Math.round(performance.now() - t);
      }),
    ]);
    measured = m;
    summaries = new Map(scanned);
    // After the messages, so that the observer's own s2s links never count as a measured link.
    observed = await observeFrom(state, OBSERVER, receivers);
    rows = [];
    for (const user of measured.senders) {
      for (const contact of measured.receivers) {
        if (contact === user) continue;
        const there = measured.directions.get(directionKey(user, contact));
        if (!there) throw new Error(`truth matrix: ${user} → ${contact} was not measured`);
        const back = measured.directions.get(directionKey(contact, user)) ?? null;
        const product = productLight({
          userDomain: user,
          contactDomain: contact,
          user: summaries.get(user)?.summary ?? null,
          contact: summaries.get(contact)?.summary ?? null,
          ...(user === OBSERVER_DOMAIN
            ? { observation: observed.observations.get(contact) ?? null, userSoftware: observed.userSoftware }
            : {}),
        });
        rows.push(matrixRow(there, back, product));
      }
    }
    wallMs = performance.now() - t;
    const scanErrors = [...summaries].filter(([, s]) => s.error).map(([d, s]) => `  ${d}: ${s.error}`);
    console.log(
      `${formatMatrix(rows)}\nmessages and link states ${Math.round(measured.ms)} ms (${Object.entries(
        measured.phases,
      )
        .map(([k, v]) => `${k} ${v} ms`)
        .join(', ')}); scans ${scanMs} ms alongside; whole matrix ${Math.round(wallMs)} ms` +
        (scanErrors.length ? `\nscans that failed:\n${scanErrors.join('\n')}` : ''),
    );
  }, 300_000);

  it('measured every ordered pair whose first domain can send, including names with no server', () => {
    const senders = Object.keys(state.domains);
    const names = senders.length + (state.serverless ?? []).length;
    expect(rows).toHaveLength(senders.length * (names - 1));
    expect(rows.some((r) => r.contact === 'dead.test')).toBe(true);
    expect(rows.some((r) => r.contact === 'nxdomain.test')).toBe(true);
  });

  it('observed every other domain from the test account’s server, through the extension’s own code', () => {
    const others = rows.filter((r) => r.user === OBSERVER_DOMAIN).map((r) => r.contact);
    expect([...observed.observations.keys()].sort()).toEqual([...new Set(others)].sort());
    expect(observed.userSoftware?.name).toBe('Prosody');
  });

  it('knows the truth of every pair: no delivered message over a link no server reported', () => {
    const unknown = rows.filter((r) => r.truth.light === 'grey').map((r) => `${r.user} → ${r.contact}`);
    expect(unknown).toEqual([]);
  });

  it('shows no light greener than the truth', () => {
    const greener = rows
      .filter((r) => r.greener)
      .map((r) => `${r.user} → ${r.contact}: truth ${r.truth.light}, product ${r.productS2s}`);
    expect(greener).toEqual([]);
  });

  it('agrees with the truth on every pair', () => {
    const disagree = rows
      .filter((r) => !r.agrees)
      .map((r) => `${r.user} → ${r.contact}: truth ${r.truth.light}, product ${r.productS2s}`);
    expect(disagree).toEqual([]);
  });
});
