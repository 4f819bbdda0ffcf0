// Grading for storage, in one place: a finished scan's report is graded (and summarised) before the
// store keeps it, and reports stored under an older rubric are re-graded without rescanning: a stored
// report keeps its facts; only the rubric's conclusions change. Run by the worker on every report, at
// `serve`/`worker` start-up and by the `regrade` command; reads never grade.
import { gradeReport, summarize } from '../core/grade-report.ts';
import type { DomainReport } from '../core/report.ts';
import { RUBRIC_VERSION } from '../core/rubric.ts';
import type { GradedReport, Store } from './store/store.ts';

export function isGradedByCurrentRubric(report: DomainReport): boolean {
  return report.rubricVersion >= RUBRIC_VERSION;
}

/** The report as the current rubric grades it; the same object when it already is. */
export function withCurrentGrades(report: DomainReport): DomainReport {
  return isGradedByCurrentRubric(report) ? report : gradeReport(report);
}

/** What the store keeps for a report: its current grades and the summary made from them. */
export function gradedForStorage(report: DomainReport): GradedReport {
  const graded = withCurrentGrades(report);
  return { report: graded, summary: summarize(graded) };
}

/** Re-grades every stored report made by an older rubric, in batches; returns how many changed. */
export async function regradeStored(store: Store, batchSize = 200): Promise<number> {
  let total = 0;
  // Keyset paging by id: each report is visited once even if re-grading left it behind.
  let after = '';
  for (;;) {
    const rows = await store.reportsGradedBefore(RUBRIC_VERSION, after, batchSize);
    if (rows.length === 0) return total;
    for (const row of rows) {
      await store.replaceReport(row.id, gradedForStorage(row.report));
      total++;
    }
    after = rows[rows.length - 1]?.id ?? after;
  }
}
