import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, createClient, serviceState } from "../src/api/client";

/** Stands in for XMLHttpRequest: records what was sent, answers as the test says. */
class FakeXhr {
  static last: FakeXhr;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  withCredentials = false;
  status = 0;
  statusText = "";
  responseText = "";
  responseHeaders: Record<string, string> = {};
  body: unknown = null;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = {
    onprogress: null,
  };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name] ?? null;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  answer(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status;
    this.responseText = body === null ? "" : JSON.stringify(body);
    this.responseHeaders = headers;
    this.onload?.();
  }
}

function setup() {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(
    new Response(JSON.stringify({ csrf_token: "tok" }), { headers: { "Content-Type": "application/json" } }),
  );
  const onUnauthorized = vi.fn();
  return { client: createClient({ baseUrl: "https://api.example", fetch, onUnauthorized }), onUnauthorized };
}

/** Lets the CSRF fetch settle so the upload has opened its request. */
const opened = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.unstubAllGlobals());

describe("client.upload", () => {
  it("sends the form with cookies and the CSRF token, reports progress, and returns the JSON answer", async () => {
    const { client } = setup();
    const progress: number[] = [];
    const form = new FormData();
    const done = client.upload("PUT", "/api/v1/careers/me/cv/", form, (f) => progress.push(f));
    await opened();
    const xhr = FakeXhr.last;
    expect([xhr.method, xhr.url, xhr.withCredentials]).toEqual(["PUT", "https://api.example/api/v1/careers/me/cv/", true]);
    expect(xhr.headers["X-CSRFToken"]).toBe("tok");
    expect(xhr.body).toBe(form);
    xhr.upload.onprogress?.({ lengthComputable: true, loaded: 25, total: 100 });
    xhr.upload.onprogress?.({ lengthComputable: false, loaded: 50, total: 0 }); // unknown total: no guess
    xhr.answer(200, { name: "cv.pdf" });
    await expect(done).resolves.toEqual({ name: "cv.pdf" });
    expect(progress).toEqual([0.25, 1]);
  });

  it("turns a refusal into an ApiError with the field's message", async () => {
    const { client } = setup();
    const done = client.upload("PUT", "/x/", new FormData(), () => {});
    await opened();
    FakeXhr.last.answer(413, { status: 413, code: "too_large", detail: "Too large.", fields: { file: ["At most 5 MB."] } });
    const error = (await done.catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect([error.status, error.code, error.field("file")]).toEqual([413, "too_large", ["At most 5 MB."]]);
  });

  it("sends the visitor to sign-in on a 401 and raises the banner on a 503", async () => {
    const { client, onUnauthorized } = setup();
    let done = client.upload("POST", "/x/", new FormData(), () => {});
    await opened();
    FakeXhr.last.answer(401, { status: 401, code: "not_authenticated", detail: "Sign in." });
    await done.catch(() => {});
    expect(onUnauthorized).toHaveBeenCalledOnce();
    done = client.upload("POST", "/x/", new FormData(), () => {});
    await opened();
    FakeXhr.last.answer(503, { status: 503, code: "unavailable", detail: "Down." }, { "Retry-After": "30" });
    const error = (await done.catch((e: unknown) => e)) as ApiError;
    expect([error.retryAfter, serviceState.unavailable, serviceState.retryAfter]).toEqual([30, true, 30]);
  });

  it("rejects with an AbortError when cancelled", async () => {
    const { client } = setup();
    const controller = new AbortController();
    const done = client.upload("PUT", "/x/", new FormData(), () => {}, controller.signal);
    await opened();
    controller.abort();
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
  });
});
