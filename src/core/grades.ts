// Order of grades and the score-to-letter table of rubric v1 (DESIGN §3).
import type { Grade, LetterGrade } from './report.ts';

/** Best first. */
export const LETTER_GRADES: readonly LetterGrade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'F'];

/**
 * Best first, for worst-of aggregation. Decision: T ranks below every letter except F. A T server
 * cannot be told from an impostor (clients that check refuse it, those that don't can be
 * intercepted), which is worse than weak but authenticated TLS (D, E); F (no or broken TLS) stays
 * the worst. The letter a T would have had is kept apart in `gradeIfTrusted`.
 */
export const GRADE_ORDER: readonly Grade[] = ['A+', 'A', 'A-', 'B', 'C', 'D', 'E', 'T', 'F'];

/** Negative when `a` is worse than `b`: sorting with it puts the worst first. */
export function compareGrades(a: Grade, b: Grade): number {
  return GRADE_ORDER.indexOf(b) - GRADE_ORDER.indexOf(a);
}

/** The worst of the grades; null for none. */
export function worstGrade<G extends Grade>(grades: readonly G[]): G | null {
  let worst: G | null = null;
  for (const grade of grades) if (worst === null || compareGrades(grade, worst) < 0) worst = grade;
  return worst;
}

/** The better grade of `a` and a ceiling: a cap never raises a grade. */
export function capGrade(grade: LetterGrade, ceiling: LetterGrade): LetterGrade {
  return LETTER_GRADES.indexOf(grade) >= LETTER_GRADES.indexOf(ceiling) ? grade : ceiling;
}

/** DESIGN §3: ≥80 A, ≥65 B, ≥50 C, ≥35 D, ≥20 E, else F. */
export function gradeFromScore(score: number): LetterGrade {
  if (score >= 80) return 'A';
  if (score >= 65) return 'B';
  if (score >= 50) return 'C';
  if (score >= 35) return 'D';
  if (score >= 20) return 'E';
  return 'F';
}

export function isAGrade(grade: Grade | null): boolean {
  return grade === 'A+' || grade === 'A' || grade === 'A-';
}
