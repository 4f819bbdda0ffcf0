import { describe, expect, it } from 'vitest';
import { InFlightPerClient } from './client-in-flight.ts';

describe('InFlightPerClient', () => {
  it('admits each client up to the cap, independently of the others', () => {
    const limit = new InFlightPerClient(2);
    expect(limit.tryEnter('a')).toBe(true);
    expect(limit.tryEnter('a')).toBe(true);
    expect(limit.tryEnter('a')).toBe(false);
    expect(limit.tryEnter('b')).toBe(true);
    expect(limit.inFlight('a')).toBe(2);
  });

  it('frees a place when a request ends, and forgets clients with nothing in flight', () => {
    const limit = new InFlightPerClient(1);
    expect(limit.tryEnter('a')).toBe(true);
    limit.leave('a');
    expect(limit.clients).toBe(0);
    expect(limit.tryEnter('a')).toBe(true);
    // A stray leave never makes room beyond the cap.
    limit.leave('b');
    expect(limit.inFlight('b')).toBe(0);
    expect(limit.tryEnter('a')).toBe(false);
  });

  it('refuses a cap below one', () => {
    expect(() => new InFlightPerClient(0)).toThrow(RangeError);
    expect(() => new InFlightPerClient(Number.NaN)).toThrow(RangeError);
  });
});
