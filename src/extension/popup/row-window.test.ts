import { describe, expect, it } from 'vitest';
import {
  estimateRowHeight,
  FALLBACK_ROW_HEIGHT,
  revealRow,
  rowAt,
  rowForKey,
  rowHeights,
  rowOffsets,
  sameRange,
  windowRange,
} from './row-window.ts';

/** `n` rows of 50 px. */
const even = (n: number) => rowOffsets(new Array<number>(n).fill(50));

describe('row heights and offsets', () => {
  it('uses the measured height where there is one and the estimate elsewhere', () => {
    const measured = new Map([
      ['b@x', 200],
      ['zed@y', 10],
    ]);
    expect([...rowHeights(['a@x', 'b@x', 'c@x'], measured, 50)]).toEqual([50, 200, 50]);
  });

  it('sums the heights into each row top and the whole height', () => {
    expect([...rowOffsets([50, 200, 50])]).toEqual([0, 50, 250, 300]);
    expect([...rowOffsets([])]).toEqual([0]);
  });

  it('estimates unmeasured rows by the median, so a few open rows do not inflate it', () => {
    expect(estimateRowHeight([56, 56, 58, 400, 56])).toBe(56);
    expect(estimateRowHeight([])).toBe(FALLBACK_ROW_HEIGHT);
    expect(estimateRowHeight([0, Number.NaN], 40)).toBe(40);
  });
});

describe('rowAt', () => {
  const offsets = rowOffsets([50, 200, 50]);

  it('finds the row under a height, a boundary belonging to the row below it', () => {
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 49.9)).toBe(0);
    expect(rowAt(offsets, 50)).toBe(1);
    expect(rowAt(offsets, 249)).toBe(1);
    expect(rowAt(offsets, 250)).toBe(2);
  });

  it('clamps above and below the list, and answers 0 for an empty one', () => {
    expect(rowAt(offsets, -10)).toBe(0);
    expect(rowAt(offsets, 10_000)).toBe(2);
    expect(rowAt(rowOffsets([]), 10)).toBe(0);
  });
});

describe('windowRange', () => {
  it('holds the rows the view overlaps plus the overscan, whatever the list length', () => {
    expect(windowRange(even(50), { top: 0, height: 600 }, 0)).toEqual({ start: 0, end: 12 });
    expect(windowRange(even(10_000), { top: 0, height: 600 }, 0)).toEqual({ start: 0, end: 12 });
    expect(windowRange(even(10_000), { top: 0, height: 600 }, 100)).toEqual({ start: 0, end: 14 });
  });

  it('follows the scroll position, with a partly seen row at each edge', () => {
    // 1,025 to 1,625 px: rows 20 (1,000–1,050) to 32 (1,600–1,650).
    expect(windowRange(even(10_000), { top: 1_025, height: 600 }, 0)).toEqual({ start: 20, end: 33 });
    expect(windowRange(even(10_000), { top: 1_025, height: 600 }, 200)).toEqual({ start: 16, end: 37 });
  });

  it('ends with the last row at the end of the list', () => {
    const range = windowRange(even(10_000), { top: 500_000 - 600, height: 600 }, 200);
    expect(range).toEqual({ start: 9_984, end: 10_000 });
  });

  it('gives the last rows when the view lies past the end (the list shrank under a filter)', () => {
    expect(windowRange(even(20), { top: 50_000, height: 600 }, 100)).toEqual({ start: 6, end: 20 });
  });

  it('gives every row of a list shorter than the view, and none of an empty list', () => {
    expect(windowRange(even(3), { top: -200, height: 600 }, 100)).toEqual({ start: 0, end: 3 });
    expect(windowRange(rowOffsets([]), { top: 0, height: 600 }, 100)).toEqual({ start: 0, end: 0 });
  });

  it('counts measured tall rows (open details) by their height', () => {
    const heights = new Array<number>(100).fill(50);
    heights[1] = 1_000;
    const offsets = rowOffsets(heights);
    // Rows 0 (0–50) and 1 (50–1,050) fill a 600 px view.
    expect(windowRange(offsets, { top: 0, height: 600 }, 0)).toEqual({ start: 0, end: 2 });
    expect(windowRange(offsets, { top: 1_000, height: 600 }, 0)).toEqual({ start: 1, end: 13 });
  });

  it('holds at least the rows asked for, below the view or above it at the end of the list', () => {
    expect(windowRange(even(10_000), { top: 1_000, height: 100 }, 0, 10)).toEqual({ start: 20, end: 30 });
    expect(windowRange(even(10_000), { top: 499_900, height: 100 }, 0, 10)).toEqual({
      start: 9_990,
      end: 10_000,
    });
    expect(windowRange(even(9), { top: 0, height: 100 }, 0, 24)).toEqual({ start: 0, end: 9 });
    // A window already larger is not cut down to it.
    expect(windowRange(even(10_000), { top: 0, height: 600 }, 0, 5)).toEqual({ start: 0, end: 12 });
  });

  it('renders at least one row when the view has no height yet', () => {
    expect(windowRange(even(100), { top: 0, height: 0 }, 0)).toEqual({ start: 0, end: 1 });
  });
});

describe('revealRow', () => {
  const offsets = even(100);
  const view = { top: 1_000, height: 600 };

  it('leaves the view alone when the row is seen whole', () => {
    expect(revealRow(offsets, view, 20)).toBeNull();
    expect(revealRow(offsets, view, 31)).toBeNull();
  });

  it('scrolls up to a row above the view and down to one below it', () => {
    expect(revealRow(offsets, view, 19)).toBe(950);
    expect(revealRow(offsets, view, 0)).toBe(0);
    expect(revealRow(offsets, view, 32)).toBe(1_650 - 600);
    expect(revealRow(offsets, view, 99)).toBe(5_000 - 600);
  });

  it('shows the top of a row taller than the view', () => {
    const tall = rowOffsets([50, 2_000, 50]);
    expect(revealRow(tall, { top: 0, height: 600 }, 1)).toBe(50);
    expect(revealRow(tall, { top: 50, height: 600 }, 1)).toBeNull();
  });

  it('ignores an index outside the list', () => {
    expect(revealRow(offsets, view, 100)).toBeNull();
    expect(revealRow(offsets, view, -1)).toBeNull();
  });
});

describe('sameRange', () => {
  it('compares both ends', () => {
    expect(sameRange({ start: 1, end: 5 }, { start: 1, end: 5 })).toBe(true);
    expect(sameRange({ start: 1, end: 5 }, { start: 1, end: 6 })).toBe(false);
  });
});

describe('rowForKey', () => {
  it('moves by one row with the arrows and to either end with Home and End', () => {
    expect(rowForKey('ArrowDown', 4, 10)).toBe(5);
    expect(rowForKey('ArrowUp', 4, 10)).toBe(3);
    expect(rowForKey('Home', 4, 10)).toBe(0);
    expect(rowForKey('End', 4, 10)).toBe(9);
  });

  it('goes nowhere past either end, nor for other keys', () => {
    expect(rowForKey('ArrowDown', 9, 10)).toBeNull();
    expect(rowForKey('ArrowUp', 0, 10)).toBeNull();
    expect(rowForKey('Enter', 4, 10)).toBeNull();
    expect(rowForKey('Tab', 4, 10)).toBeNull();
  });
});
