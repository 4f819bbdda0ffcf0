// User Timing marks for the popup's first render of its rows, so the bench (and DevTools) can read how
// long it took: from the background's answer (the render alone), and from navigation (page load, the
// background's answer and the render).

export const RENDER_MARKS = {
  /** The first status arrived from the background. */
  statusReceived: 'hoplight:status-received',
  /** The first rows were committed to the DOM (before layout and paint). */
  rowsInDom: 'hoplight:rows-in-dom',
} as const;

/** Measure names, as `performance.getEntriesByName(name, 'measure')` finds them. */
export const RENDER_MEASURES = {
  statusToRows: 'hoplight:status→rows-in-dom',
  navigationToRows: 'hoplight:navigation→rows-in-dom',
} as const;

/** The part of `Performance` used here, so the logic is tested without a page. */
export type MarkingPerformance = Pick<Performance, 'mark' | 'measure' | 'getEntriesByName'>;

function marked(perf: MarkingPerformance, name: string): boolean {
  return perf.getEntriesByName(name, 'mark').length > 0;
}

/** Marks the first status only: later polls of a running check are not the first render. */
export function markStatusReceived(perf: MarkingPerformance = performance): void {
  if (!marked(perf, RENDER_MARKS.statusReceived)) perf.mark(RENDER_MARKS.statusReceived);
}

/** Marks the first time rows reach the DOM, with both measures; nothing before a status arrived. */
export function markRowsInDom(perf: MarkingPerformance = performance): void {
  if (marked(perf, RENDER_MARKS.rowsInDom) || !marked(perf, RENDER_MARKS.statusReceived)) return;
  perf.mark(RENDER_MARKS.rowsInDom);
  perf.measure(RENDER_MEASURES.statusToRows, RENDER_MARKS.statusReceived, RENDER_MARKS.rowsInDom);
  // A measure without a start begins at the time origin, which for a page is its navigation.
  perf.measure(RENDER_MEASURES.navigationToRows, { end: RENDER_MARKS.rowsInDom });
}
