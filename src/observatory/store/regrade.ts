// Re-grading without rescanning: a stored report keeps its facts; only the rubric's conclusions change.
import { gradeReport } from '../../core/grade-report.ts';
import type { DomainReport } from '../../core/report.ts';
import { RUBRIC_VERSION } from '../../core/rubric.ts';

export function isGradedByCurrentRubric(report: DomainReport): boolean {
  return report.rubricVersion >= RUBRIC_VERSION;
}

/** The report as the current rubric grades it; the same object when it already is. */
export function withCurrentGrades(report: DomainReport): DomainReport {
  return isGradedByCurrentRubric(report) ? report : gradeReport(report);
}
