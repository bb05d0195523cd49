import { ApiError } from "../../api/client";
import { describeError } from "../../components/errors";

/** A resume book's refusals, in words: what happened and what to do about it. */
export function describeBookError(error: unknown): string {
  if (!(error instanceof ApiError)) return describeError(error);
  switch (error.status) {
    case 400: {
      // Too many matches, or none: the API says which and how many in non_field_errors.
      const general = error.field("non_field_errors");
      if (general.length) return general.join(" ");
      const fields = Object.entries(error.fields).map(([name, messages]) => `${name}: ${messages.join(" ")}`);
      return fields.length ? `These filters cannot make a book. ${fields.join(" ")}` : error.detail;
    }
    case 409:
      return error.code === "not_ready"
        ? "This book is not ready yet: wait until it is built, then download it."
        : "Your company already has books being built. Try again when one of them is ready.";
    case 410:
      return "This book has expired and its file was deleted. Request a new one from the search.";
    default:
      return describeError(error);
  }
}
