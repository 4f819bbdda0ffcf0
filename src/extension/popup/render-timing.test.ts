import { afterEach, describe, expect, it } from 'vitest';
import { markRowsInDom, markStatusReceived, RENDER_MARKS, RENDER_MEASURES } from './render-timing.ts';

// Node's own Performance implements User Timing as the browser does.
afterEach(() => {
  performance.clearMarks();
  performance.clearMeasures();
});

const measures = () => performance.getEntriesByType('measure').map((m) => m.name);

describe('render timing marks', () => {
  it('measures status → rows and navigation → rows once, at the first rows', () => {
    markStatusReceived();
    markRowsInDom();
    const [status] = performance.getEntriesByName(RENDER_MARKS.statusReceived, 'mark');
    const [rows] = performance.getEntriesByName(RENDER_MARKS.rowsInDom, 'mark');
    const [fromStatus] = performance.getEntriesByName(RENDER_MEASURES.statusToRows, 'measure');
    const [fromNavigation] = performance.getEntriesByName(RENDER_MEASURES.navigationToRows, 'measure');
    expect(fromStatus?.duration).toBeCloseTo((rows?.startTime ?? 0) - (status?.startTime ?? 0), 6);
    expect(fromNavigation?.startTime).toBe(0);
    expect(fromNavigation?.duration).toBeCloseTo(rows?.startTime ?? -1, 6);

    // Later polls and re-renders (search, filter) are not the first render.
    markStatusReceived();
    markRowsInDom();
    expect(performance.getEntriesByName(RENDER_MARKS.statusReceived, 'mark')).toHaveLength(1);
    expect(measures().sort()).toEqual(
      [RENDER_MEASURES.navigationToRows, RENDER_MEASURES.statusToRows].sort(),
    );
  });

  it('records nothing for rows before any status arrived', () => {
    markRowsInDom();
    expect(performance.getEntriesByName(RENDER_MARKS.rowsInDom, 'mark')).toEqual([]);
    expect(measures()).toEqual([]);
  });
});
