import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byteBucket,
  bytesWithin,
  CHECK_SEND_RATE,
  EJABBERD_NORMAL_SHAPER,
  PROSODY_C2S_LIMIT,
  pacer,
  pacingAllowanceMs,
  sendRateFor,
  wireBytes,
} from './byte-rate.ts';

/** Each reservation's send time: when it was asked for plus the wait the bucket gave it. */
function sendTimes(rate = CHECK_SEND_RATE, asks: { at: number; bytes: number }[]) {
  const bucket = byteBucket(rate, 0);
  return asks.map(({ at, bytes }) => ({ at: at + bucket.reserve(bytes, at), bytes }));
}

/** The most bytes sent in any window, minus what the rate allowed in it: must stay ≤ the burst. */
function worstExcess(sent: { at: number; bytes: number }[], bytesPerSecond: number): number {
  let worst = 0;
  sent.forEach((first, i) => {
    let sum = 0;
    for (const last of sent.slice(i)) {
      sum += last.bytes;
      worst = Math.max(worst, sum - ((last.at - first.at) * bytesPerSecond) / 1000);
    }
  });
  return worst;
}

describe('byte bucket', () => {
  it('lets a burst through at once, then spaces sends at the rate', () => {
    const sent = sendTimes({ bytesPerSecond: 1000, burstBytes: 500 }, [
      { at: 0, bytes: 300 },
      { at: 0, bytes: 200 },
      { at: 0, bytes: 250 },
      { at: 0, bytes: 250 },
    ]);
    expect(sent.map((s) => s.at)).toEqual([0, 0, 250, 500]);
  });

  it('refills while idle, never above the burst', () => {
    const bucket = byteBucket({ bytesPerSecond: 1000, burstBytes: 500 }, 0);
    expect(bucket.reserve(500, 0)).toBe(0);
    expect(bucket.reserve(100, 100)).toBe(0);
    // An hour idle still leaves only the burst.
    expect(bucket.reserve(500, 3_600_000)).toBe(0);
    expect(bucket.reserve(100, 3_600_000)).toBe(100);
  });

  it('keeps every window of sends under rate × time + burst, in the order asked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.nat(2000), bytes: fc.integer({ min: 1, max: 4000 }) }), {
          maxLength: 60,
        }),
        (steps) => {
          let at = 0;
          const asks = steps.map(({ gap, bytes }) => {
            at += gap;
            return { at, bytes };
          });
          const sent = sendTimes(CHECK_SEND_RATE, asks);
          const times = sent.map((s) => s.at);
          expect(times).toEqual([...times].sort((a, b) => a - b));
          // Waits are rounded up to whole ms, which only ever sends later.
          expect(worstExcess(sent, CHECK_SEND_RATE.bytesPerSecond)).toBeLessThanOrEqual(
            CHECK_SEND_RATE.burstBytes + 1e-9,
          );
        },
      ),
    );
  });

  it('stays under ejabberd’s default shaper with room for the login', () => {
    expect(CHECK_SEND_RATE.bytesPerSecond).toBeLessThan(EJABBERD_NORMAL_SHAPER.bytesPerSecond);
    expect(CHECK_SEND_RATE.burstBytes + 4000).toBeLessThanOrEqual(EJABBERD_NORMAL_SHAPER.burstBytes);
  });

  it('refuses a rate that cannot pace and a negative size', () => {
    expect(() => byteBucket({ bytesPerSecond: 0, burstBytes: 10 }, 0)).toThrow(/positive rate/);
    expect(() => byteBucket({ bytesPerSecond: Number.NaN, burstBytes: 10 }, 0)).toThrow(/positive rate/);
    expect(() => byteBucket(CHECK_SEND_RATE, 0).reserve(-1, 0)).toThrow(/bytes must be/);
  });

  it('allows for pacing beyond the burst in a batch bound', () => {
    expect(pacingAllowanceMs(10_000, { bytesPerSecond: 1000, burstBytes: 12_000 })).toBe(0);
    expect(pacingAllowanceMs(14_000, { bytesPerSecond: 1000, burstBytes: 12_000 })).toBe(2000);
  });

  it('says what a rate lets through in a time, burst included', () => {
    expect(bytesWithin(10_000, { bytesPerSecond: 1000, burstBytes: 5000 })).toBe(15_000);
    expect(bytesWithin(-5, { bytesPerSecond: 1000, burstBytes: 5000 })).toBe(5000);
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(wireBytes('<a/>')).toBe(4);
    expect(wireBytes('<a>ü</a>')).toBe(9);
  });
});

describe('pacer', () => {
  it('holds a send past the burst for its wait and stops waiting on abort', async () => {
    let now = 0;
    const p = pacer({ bytesPerSecond: 1000, burstBytes: 100 }, () => now);
    await p.wait(100);
    const controller = new AbortController();
    const waiting = p.wait(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    now = 2000;
    await p.wait(5);
    expect(p.bytes).toBe(1105);
  });

  it('paces toward Prosody by its shipped limit and toward anything else by ejabberd’s', () => {
    const prosody = sendRateFor({ name: 'Prosody' });
    expect(prosody.bytesPerSecond).toBeLessThan(PROSODY_C2S_LIMIT.bytesPerSecond);
    expect(prosody.burstBytes + 2048).toBeLessThanOrEqual(PROSODY_C2S_LIMIT.burstBytes);
    expect(prosody.bytesPerSecond).toBeGreaterThan(EJABBERD_NORMAL_SHAPER.bytesPerSecond);
    for (const other of [null, { name: 'ejabberd' }, { name: 'Openfire' }, { name: 'prosody-fork' }]) {
      expect(sendRateFor(other)).toEqual(CHECK_SEND_RATE);
    }
  });
});
