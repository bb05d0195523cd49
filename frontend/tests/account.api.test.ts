import { afterEach, describe, expect, it, vi } from "vitest";
import { changePassword, createToken, listTokens, personalDataUrl, revokeToken } from "../src/api/tokens";
import { ApiError, client } from "../src/api/client";
import { json, stubFetch } from "./support";

const headers = (init: RequestInit | undefined) => init?.headers as Record<string, string>;

afterEach(() => {
  vi.unstubAllGlobals();
  client.resetCsrf();
});

describe("api/tokens", () => {
  it("lists one's tokens with the filters", async () => {
    const fetch = stubFetch(json({ count: 0, next: null, previous: null, results: [] }));
    await listTokens({ user: 7, active: true, page: 2, page_size: 20 });
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/auth/tokens/?user=7&active=true&page=2&page_size=20");
  });

  it("creates a token with a CSRF token and returns the secret", async () => {
    const created = { id: 3, name: "sync", token: "wafer_secret", scopes: ["read"] };
    const fetch = stubFetch(json({ csrf_token: "csrf1" }), json(created, 201));
    await expect(createToken({ name: "sync", scopes: ["read"] })).resolves.toMatchObject({ token: "wafer_secret" });
    const [url, init] = fetch.mock.calls[1];
    expect(url).toBe("/api/v1/auth/tokens/");
    expect(init?.method).toBe("POST");
    expect(headers(init)["X-CSRFToken"]).toBe("csrf1");
    expect(JSON.parse(String(init?.body))).toEqual({ name: "sync", scopes: ["read"] });
  });

  it("revokes with DELETE", async () => {
    const fetch = stubFetch(json({ csrf_token: "c" }), new Response(null, { status: 204 }));
    await expect(revokeToken(3)).resolves.toBeUndefined();
    expect(fetch.mock.calls[1][0]).toBe("/api/v1/auth/tokens/3/");
    expect(fetch.mock.calls[1][1]?.method).toBe("DELETE");
  });

  it("reports a wrong current password as a field error", async () => {
    const envelope = {
      status: 400,
      code: "invalid",
      detail: "current_password: This is not your current password.",
      fields: { current_password: ["This is not your current password."] },
    };
    stubFetch(json({ csrf_token: "c" }), json(envelope, 400));
    const error = (await changePassword({ current_password: "x", new_password: "y" }).catch((e: unknown) => e)) as ApiError;
    expect(error.field("current_password")).toEqual(["This is not your current password."]);
  });

  it("links the personal-data export", () => {
    expect(personalDataUrl()).toBe("/api/v1/auth/me/export/");
  });
});
