import { ApiError } from "../../api/client";

/**
 * The error to show above a form: none when every problem is already shown beside its own field
 * (the envelope's `detail` repeats them, and saying it twice reads as two problems).
 */
export function formLevelError(error: unknown, fields: string[]): unknown {
  if (!(error instanceof ApiError) || error.status !== 400) return error;
  const named = Object.keys(error.fields);
  return named.length && named.every((name) => fields.includes(name)) ? null : error;
}

/** An error made here, before asking the API, in the API's shape (so FieldErrors shows it). */
export function localFieldError(field: string, message: string): ApiError {
  return new ApiError({ status: 400, code: "invalid", detail: message, fields: { [field]: [message] } });
}

export function hasFieldError(error: unknown, field: string): boolean {
  return error instanceof ApiError && error.field(field).length > 0;
}
