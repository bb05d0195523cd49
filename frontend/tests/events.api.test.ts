import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api/client";
import {
  cancelRegistration,
  checkIn,
  createFeedToken,
  getEvent,
  icsUrl,
  listEvents,
  listRegistrations,
  materialUrl,
  register,
  revokeFeedToken,
} from "../src/api/events";
import { json } from "./support";

let fetchMock: ReturnType<typeof vi.fn<typeof globalThis.fetch>>;

beforeEach(() => {
  // The shared client asks for a CSRF token before its first write; answer it wherever it comes.
  fetchMock = vi.fn<typeof globalThis.fetch>(async (input) =>
    String(input).endsWith("/auth/csrf/") ? json({ csrf_token: "tok" }) : json({}),
  );
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

function apiCalls() {
  return fetchMock.mock.calls.filter((c) => !String(c[0]).endsWith("/auth/csrf/"));
}

describe("events api", () => {
  it("lists events with the filters in the query string", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await listEvents({ past: true, kind: "webinar", ordering: "-starts_at", page: 2, page_size: 20 });
    expect(apiCalls()[0][0]).toBe("/api/v1/events/?past=true&kind=webinar&ordering=-starts_at&page=2&page_size=20");
  });

  it("reads one event", async () => {
    fetchMock.mockResolvedValueOnce(json({ id: 7, title: "Review" }));
    await expect(getEvent(7)).resolves.toMatchObject({ id: 7 });
    expect(apiCalls()[0][0]).toBe("/api/v1/events/7/");
  });

  it("registers and cancels with the CSRF token", async () => {
    await register(7);
    await cancelRegistration(7, 31);
    const [first, second] = apiCalls();
    expect(first[0]).toBe("/api/v1/events/7/registrations/");
    expect(first[1]?.method).toBe("POST");
    expect(first[1]?.body).toBe("{}");
    expect((first[1]?.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    expect(second[0]).toBe("/api/v1/events/7/registrations/31/cancel/");
    expect(second[1]?.method).toBe("POST");
  });

  it("turns a refused registration into an ApiError with its code", async () => {
    fetchMock.mockImplementation(async (input) =>
      String(input).endsWith("/auth/csrf/")
        ? json({ csrf_token: "tok" })
        : json({ status: 409, code: "registration_closed", detail: "Registration for this event has closed." }, 409),
    );
    const error = await register(7).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("registration_closed");
  });

  it("searches registrations and checks in", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await listRegistrations(7, { q: "weber", checked_in: false, page: 1 });
    await checkIn(7, 31);
    const [list, check] = apiCalls();
    expect(list[0]).toBe("/api/v1/events/7/registrations/?q=weber&checked_in=false&page=1");
    expect(check[0]).toBe("/api/v1/events/7/registrations/31/check-in/");
    expect(check[1]?.method).toBe("POST");
  });

  it("makes and ends the calendar feed URL", async () => {
    fetchMock.mockImplementation(async (input, init) => {
      if (String(input).endsWith("/auth/csrf/")) return json({ csrf_token: "tok" });
      if (init?.method === "DELETE") return new Response(null, { status: 204 });
      return json({ url: "https://w.example/api/v1/events/feeds/abc.ics", webcal_url: "webcal://w.example/api/v1/events/feeds/abc.ics" }, 201);
    });
    await expect(createFeedToken()).resolves.toMatchObject({ webcal_url: expect.stringMatching(/^webcal:\/\//) });
    await expect(revokeFeedToken()).resolves.toBeUndefined();
    expect(apiCalls().map((c) => [c[0], c[1]?.method])).toEqual([
      ["/api/v1/events/feed-token/", "POST"],
      ["/api/v1/events/feed-token/", "DELETE"],
    ]);
  });

  it("builds download links", () => {
    expect(icsUrl(7)).toBe("/api/v1/events/7/ics/");
    expect(materialUrl("/api/v1/events/7/sessions/2/materials/3/download/")).toBe(
      "/api/v1/events/7/sessions/2/materials/3/download/",
    );
    expect(materialUrl("https://cdn.example/x.pdf")).toBe("https://cdn.example/x.pdf");
  });
});
