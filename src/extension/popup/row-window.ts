// Which rows of a long list are in the DOM (windowing): the list keeps the height of every row, and only
// the rows near the viewport are rendered, so a first render costs the same at 50 or 10,000 contacts.
// Pure: heights and a scroll position in, row indexes out; `use-row-window.ts` feeds it from the DOM.
// Written by hand: @tanstack/virtual-core would fit but has no Preact binding, and the part needed here
// is prefix sums and a binary search.

/** The part of the list the viewport shows, in list coordinates (0 is the list's top edge), px. */
export interface ListView {
  top: number;
  height: number;
}

/** Rows `start` (inclusive) to `end` (exclusive). */
export interface RowRange {
  start: number;
  end: number;
}

/** A collapsed row's height before any was measured (two lines of text and a line of hop lights), px. */
export const FALLBACK_ROW_HEIGHT = 56;

/** A height for rows never rendered: the median of those measured (open rows are the few tall ones). */
export function estimateRowHeight(measured: Iterable<number>, fallback = FALLBACK_ROW_HEIGHT): number {
  const sorted = [...measured].filter((h) => Number.isFinite(h) && h > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return fallback;
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Each row's height: as measured where the row was rendered, the estimate elsewhere. */
export function rowHeights(
  keys: readonly string[],
  measured: ReadonlyMap<string, number>,
  estimate: number,
): Float64Array {
  const heights = new Float64Array(keys.length);
  keys.forEach((key, i) => {
    heights[i] = measured.get(key) ?? estimate;
  });
  return heights;
}

/** `offsets[i]` is the top of row i in the list and `offsets[n]` the whole list's height. */
export function rowOffsets(heights: ArrayLike<number>): Float64Array {
  const offsets = new Float64Array(heights.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = (offsets[i] as number) + (heights[i] as number);
  return offsets;
}

/** The row under height `y` of the list: 0 above the list, the last row at or below its end. */
export function rowAt(offsets: Float64Array, y: number): number {
  const rows = offsets.length - 1;
  if (rows <= 0 || y < 0) return 0;
  // The last i with offsets[i] <= y.
  let low = 0;
  let high = rows - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] as number) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * The rows that overlap the view widened by `overscan` px above and below, and at least `minRows` of
 * them (more below, or above at the list's end), so a short list is rendered whole whatever its rows'
 * heights. A view past the list's end (the list shrank under a filter) still gives its last rows.
 */
export function windowRange(offsets: Float64Array, view: ListView, overscan: number, minRows = 1): RowRange {
  const rows = offsets.length - 1;
  if (rows <= 0) return { start: 0, end: 0 };
  const total = offsets[rows] as number;
  const height = Math.max(0, view.height);
  const top = Math.min(Math.max(0, view.top - overscan), Math.max(0, total - height - overscan));
  const bottom = Math.max(view.top + height + overscan, top + height);
  const start = rowAt(offsets, top);
  // The first row that starts at or below `bottom` is not needed.
  const last = rowAt(offsets, bottom);
  const end = Math.max(start + minRows, (offsets[last] as number) < bottom ? last + 1 : last);
  const bounded = Math.min(rows, Math.max(start + 1, end));
  return { start: Math.max(0, Math.min(start, bounded - minRows)), end: bounded };
}

/**
 * Where the view's top must go for row `index` to be seen whole (its top when it is taller than the
 * view), or null when it already is.
 */
export function revealRow(offsets: Float64Array, view: ListView, index: number): number | null {
  const top = offsets[index];
  const bottom = offsets[index + 1];
  if (top === undefined || bottom === undefined) return null;
  if (top < view.top || bottom - top > view.height) return top === view.top ? null : top;
  if (bottom > view.top + view.height) return bottom - view.height;
  return null;
}

export function sameRange(a: RowRange, b: RowRange): boolean {
  return a.start === b.start && a.end === b.end;
}

/** The row a key moves the focus to from row `index` of `size`: arrows by one, Home and End to the ends. */
export function rowForKey(key: string, index: number, size: number): number | null {
  const target =
    key === 'ArrowDown'
      ? index + 1
      : key === 'ArrowUp'
        ? index - 1
        : key === 'Home'
          ? 0
          : key === 'End'
            ? size - 1
            : null;
  return target === null || target < 0 || target >= size ? null : target;
}
