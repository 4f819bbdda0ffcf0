// The contact list, windowed: one scrolling list with every contact's place and size, and only the rows
// near the viewport in the DOM (use-row-window.ts), so its first render costs the same at 50 or 10,000
// contacts. It keeps which rows are open while they scroll out and back, and moves the focus with the
// arrow keys, Home and End to any row, rendered or not; Tab goes through the rendered ones, which always
// include those beside the focused row.
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ContactResult } from '../shared/check-types.ts';
import { ResultRow } from './ResultRow.tsx';
import { rowForKey } from './row-window.ts';
import { useRowWindow } from './use-row-window.ts';

function rowHead(list: HTMLUListElement | null, jid: string): HTMLButtonElement | null {
  return list?.querySelector<HTMLButtonElement>(`li.row[data-jid="${CSS.escape(jid)}"] > .row-head`) ?? null;
}

export function ResultList({
  results,
  observatoryUrl,
}: {
  /** Worst first, already searched and filtered. */
  results: readonly ContactResult[];
  observatoryUrl: string | null;
}) {
  const keys = useMemo(() => results.map((r) => r.jid), [results]);
  const { listRef, range, padTop, padBottom, reveal } = useRowWindow(keys);
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = useCallback((jid: string) => {
    setOpen((before) => {
      const after = new Set(before);
      if (!after.delete(jid)) after.add(jid);
      return after;
    });
  }, []);

  // A row the keyboard moved to before it was rendered: focused once it is.
  const focusNext = useRef<string | null>(null);
  useLayoutEffect(() => {
    const head = focusNext.current === null ? null : rowHead(listRef.current, focusNext.current);
    if (head) {
      focusNext.current = null;
      head.focus();
    }
  });

  const onKeyDown = (event: KeyboardEvent) => {
    const row = event.target instanceof Element && event.target.matches('.row-head') ? event.target : null;
    const at = Number(row?.parentElement?.getAttribute('aria-posinset')) - 1;
    const next = row && Number.isInteger(at) ? rowForKey(event.key, at, keys.length) : null;
    const jid = next === null ? undefined : keys[next];
    if (next === null || jid === undefined) return;
    event.preventDefault();
    const head = rowHead(listRef.current, jid);
    if (head) head.focus();
    else {
      focusNext.current = jid;
      reveal(next);
    }
  };

  return (
    // The keys act on the row buttons inside; the list only hears them bubble up.
    <ul
      class="results"
      ref={listRef}
      style={{ paddingTop: `${padTop}px`, paddingBottom: `${padBottom}px` }}
      onKeyDown={onKeyDown}
    >
      {results.slice(range.start, range.end).map((result, i) => (
        <ResultRow
          key={result.jid}
          result={result}
          observatoryUrl={observatoryUrl}
          position={range.start + i + 1}
          listSize={results.length}
          open={open.has(result.jid)}
          onToggle={toggle}
        />
      ))}
    </ul>
  );
}
