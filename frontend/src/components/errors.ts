import { ApiError } from "../api/client";

/** An error in words a person understands. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return "Something went wrong. Try again.";
  switch (error.status) {
    case 0:
      return error.detail;
    case 401:
      return "Please sign in to continue.";
    case 403:
      return "You do not have access to this.";
    case 404:
      return "This was not found. It may have been removed, or you may not have access to it.";
    case 429:
      return `Too many requests. Try again ${retryIn(error.retryAfter)}.`;
    case 503:
      return `Wafer is briefly unavailable. Try again ${retryIn(error.retryAfter)}.`;
    default:
      return error.status >= 500 ? "Something went wrong on our side. Try again shortly." : error.detail;
  }
}

export function retryIn(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return "in a moment";
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  return `in ${Math.ceil(seconds / 60)} minutes`;
}

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

/** Whether an error names this field (for `aria-invalid`); FieldErrors shows its messages. */
export function hasFieldError(error: unknown, field: string): boolean {
  return error instanceof ApiError && error.field(field).length > 0;
}
