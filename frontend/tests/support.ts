/** What the API tests share: answers in the API's JSON shape and a stubbed global `fetch`. */
import { vi } from "vitest";

/** A JSON answer as the API gives it. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** Replaces the global `fetch` with a mock answering these responses in turn (undo with `vi.unstubAllGlobals()`). */
export function stubFetch(...responses: Response[]) {
  const fetch = vi.fn<typeof globalThis.fetch>();
  for (const response of responses) fetch.mockResolvedValueOnce(response);
  vi.stubGlobal("fetch", fetch);
  return fetch;
}
