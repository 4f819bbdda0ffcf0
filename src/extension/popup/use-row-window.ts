// The DOM side of windowing the contact list (row-window.ts holds the arithmetic): reads where the page
// is scrolled and how tall each rendered row is, and says which rows to render with how much room above
// and below them. The page itself scrolls (a popup is one scrolling page), so the list's scroll height
// is the whole list's. Rows carry their contact in `data-jid`, the key their measured height is kept by.
import type { RefObject } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  estimateRowHeight,
  type ListView,
  type RowRange,
  revealRow,
  rowHeights,
  rowOffsets,
  sameRange,
  windowRange,
} from './row-window.ts';

/** Rendered beyond each edge of the viewport, px: the row that Tab or an arrow reaches next is there. */
const OVERSCAN_PX = 400;
/** Rows rendered at the least: a short list (a few contacts, or a narrow search) is rendered whole. */
const MIN_ROWS = 24;
/** The view before the list is laid out: a Chrome popup's greatest height, so the first paint is full. */
const FIRST_VIEW: ListView = { top: 0, height: 600 };

export interface RowWindow {
  /** For the list element (`ul`), whose children are the rendered rows. */
  listRef: RefObject<HTMLUListElement | null>;
  range: RowRange;
  /** Room for the rows above and below the window, px. */
  padTop: number;
  padBottom: number;
  /** Scrolls the page so that row `index` is seen whole, which renders it. */
  reveal(index: number): void;
}

export function useRowWindow(keys: readonly string[]): RowWindow {
  const listRef = useRef<HTMLUListElement>(null);
  const [measured, setMeasured] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [view, setView] = useState<ListView>(FIRST_VIEW);
  const indexOf = useMemo(() => new Map(keys.map((key, i) => [key, i])), [keys]);
  const offsets = useMemo(
    () => rowOffsets(rowHeights(keys, measured, estimateRowHeight(measured.values()))),
    [keys, measured],
  );
  const range = windowRange(offsets, view, OVERSCAN_PX, MIN_ROWS);
  const latest = useRef({ offsets, range, indexOf });
  latest.current = { offsets, range, indexOf };
  // A row in view before the window moves, and where it was: rows that come into the window above it
  // at their real height, not the estimate whose room they take, would move it; the page is scrolled
  // back by as much (the browser's own scroll anchoring is off: popup.css).
  const anchor = useRef<{ key: string | null; top: number } | null>(null);

  const readView = useCallback((): ListView | null => {
    const list = listRef.current;
    return list ? { top: -list.getBoundingClientRect().top, height: window.innerHeight } : null;
  }, []);

  const update = useCallback(() => {
    const next = readView();
    if (
      !next ||
      sameRange(windowRange(latest.current.offsets, next, OVERSCAN_PX, MIN_ROWS), latest.current.range)
    )
      return;
    for (const row of listRef.current?.children ?? []) {
      const box = row.getBoundingClientRect();
      if (box.bottom > 0) {
        anchor.current = { key: row.getAttribute('data-jid'), top: box.top };
        break;
      }
    }
    setView(next);
  }, [readView]);

  useEffect(() => {
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('resize', update);
    return () => {
      window.removeEventListener('scroll', update);
      window.removeEventListener('resize', update);
    };
  }, [update]);

  const observer = useRef<ResizeObserver | null>(null);
  const observed = useRef(new Set<Element>());
  // The heights as last measured, ahead of the state while a render is pending (two reports in a row).
  const measuredNow = useRef(measured);
  const onResize = useCallback((entries: ResizeObserverEntry[]) => {
    const { offsets, indexOf } = latest.current;
    let after: Map<string, number> | null = null;
    for (const entry of entries) {
      const key = entry.target.getAttribute('data-jid');
      const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      // A row just taken out of the DOM measures 0: keep what it measured while it was shown.
      const index = key === null ? undefined : indexOf.get(key);
      if (key === null || index === undefined || !(height > 0)) continue;
      const known = (after ?? measuredNow.current).get(key);
      const was = known ?? (offsets[index + 1] as number) - (offsets[index] as number);
      if (known !== undefined && Math.abs(was - height) < 0.5) continue;
      after ??= new Map(measuredNow.current);
      after.set(key, height);
    }
    if (after) {
      measuredNow.current = after;
      setMeasured(after);
    }
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);

  // After every render: keep what is seen in place, measure the rows now in the DOM, and check that the
  // window still covers the viewport (the rows' heights or what sits above the list may have changed).
  useLayoutEffect(() => {
    const list = listRef.current;
    const held = anchor.current;
    anchor.current = null;
    if (list && held) {
      const row = [...list.children].find((r) => r.getAttribute('data-jid') === held.key);
      const moved = row ? row.getBoundingClientRect().top - held.top : 0;
      if (Math.abs(moved) >= 0.5) window.scrollBy({ top: moved, behavior: 'instant' });
    }
    if (list) {
      observer.current ??= new ResizeObserver(onResize);
      const rows = new Set<Element>(list.children);
      for (const row of observed.current) if (!rows.has(row)) observer.current.unobserve(row);
      for (const row of rows) if (!observed.current.has(row)) observer.current.observe(row);
      observed.current = rows;
    }
    update();
  });

  const reveal = useCallback(
    (index: number) => {
      const now = readView();
      const top = now && revealRow(latest.current.offsets, now, index);
      if (now && top !== null && top !== undefined) {
        window.scrollBy({ top: top - now.top, behavior: 'instant' });
        update();
      }
    },
    [readView, update],
  );

  const total = offsets[offsets.length - 1] as number;
  return {
    listRef,
    range,
    padTop: offsets[range.start] as number,
    padBottom: total - (offsets[range.end] as number),
    reveal,
  };
}
