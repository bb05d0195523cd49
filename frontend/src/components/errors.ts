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
