import { ApiError } from "../../api/client";

/**
 * The error to show above a form: none when every field error is already shown beside its field
 * (the envelope's `detail` repeats them, and reading them twice helps nobody).
 */
export function unplacedError(error: unknown, placed: string[]): unknown {
  if (!(error instanceof ApiError) || error.status !== 400) return error;
  const fields = Object.keys(error.fields);
  return fields.length && fields.every((name) => placed.includes(name)) ? null : error;
}
