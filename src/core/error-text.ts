// One way to turn anything thrown into a sentence for a log, a report or a person.

/** The message of an Error (its name only when it has no message), else the value as text. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
