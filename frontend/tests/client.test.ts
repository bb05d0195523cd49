import { describe, expect, it, vi } from "vitest";
import { ApiError, createClient } from "../src/api/client";
import { json } from "./support";

function setup(...responses: Response[]) {
  const fetch = vi.fn<typeof globalThis.fetch>();
  for (const response of responses) fetch.mockResolvedValueOnce(response);
  const onUnauthorized = vi.fn();
  const client = createClient({ baseUrl: "https://api.example", fetch, onUnauthorized });
  return { client, fetch, onUnauthorized };
}

describe("client", () => {
  it("sends credentials and no CSRF token on a GET", async () => {
    const { client, fetch } = setup(json({ count: 0, results: [] }));
    await client.request("GET", "/api/v1/publications/", { query: { q: "wafer", kind: undefined, page: 2 } });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe("https://api.example/api/v1/publications/?q=wafer&page=2");
    expect(init?.credentials).toBe("include");
    expect((init?.headers as Record<string, string>)["X-CSRFToken"]).toBeUndefined();
  });

  it("fetches the CSRF token once and sends it on unsafe methods", async () => {
    const { client, fetch } = setup(json({ csrf_token: "tok1" }), json({ id: 1 }), new Response(null, { status: 204 }));
    await client.request("POST", "/api/v1/auth/login/", { body: { email: "a@b.c", password: "x" } });
    await client.request("POST", "/api/v1/auth/logout/");
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      "https://api.example/api/v1/auth/csrf/",
      "https://api.example/api/v1/auth/login/",
      "https://api.example/api/v1/auth/logout/",
    ]);
    for (const call of fetch.mock.calls.slice(1)) {
      expect((call[1]?.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok1");
    }
    expect(fetch.mock.calls[1][1]?.body).toBe(JSON.stringify({ email: "a@b.c", password: "x" }));
  });

  it("refreshes a rotated CSRF token and retries once", async () => {
    const { client, fetch } = setup(
      json({ csrf_token: "old" }),
      json({ status: 403, code: "permission_denied", detail: "CSRF Failed: CSRF token incorrect." }, 403),
      json({ csrf_token: "new" }),
      json({ ok: true }),
    );
    await expect(client.request("POST", "/api/v1/auth/login/", { body: {} })).resolves.toEqual({ ok: true });
    expect((fetch.mock.calls[3][1]?.headers as Record<string, string>)["X-CSRFToken"]).toBe("new");
  });

  it("turns the error envelope into an ApiError with field errors", async () => {
    const envelope = {
      status: 400,
      code: "invalid",
      detail: "email: Enter a valid email address.",
      fields: { email: ["Enter a valid email address."], non_field_errors: ["Wrong email or password."] },
    };
    const { client } = setup(json({ csrf_token: "t" }), json(envelope, 400));
    const error = (await client.request("POST", "/api/v1/auth/login/", { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid");
    expect(error.detail).toBe("email: Enter a valid email address.");
    expect(error.field("email")).toEqual(["Enter a valid email address."]);
    expect(error.field("password")).toEqual([]);
  });

  it("reads when to retry after a 429", async () => {
    const body = { status: 429, code: "throttled", detail: "Request was throttled.", retry_after: 42 };
    const { client } = setup(json(body, 429, { "Retry-After": "42" }));
    const error = (await client.request("GET", "/api/v1/publications/").catch((e: unknown) => e)) as ApiError;
    expect(error.retryAfter).toBe(42);
  });

  it("calls the 401 hook, unless the caller expects a 401", async () => {
    const body = { status: 401, code: "not_authenticated", detail: "Authentication credentials were not provided." };
    const { client, onUnauthorized } = setup(json(body, 401), json(body, 401));
    await expect(client.request("GET", "/api/v1/auth/me/", { allowUnauthorized: true })).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(client.request("GET", "/api/v1/deliverables/")).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it("gives a readable error for a network failure and a non-JSON answer", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockRejectedValueOnce(new TypeError("Failed to fetch"));
    fetch.mockResolvedValueOnce(new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const client = createClient({ baseUrl: "", fetch, onUnauthorized: () => {} });
    await expect(client.request("GET", "/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
    await expect(client.request("GET", "/x")).rejects.toMatchObject({ status: 502, detail: "Bad Gateway" });
  });
});
