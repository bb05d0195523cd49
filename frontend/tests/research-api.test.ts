import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, client } from "../src/api/client";
import * as feedback from "../src/api/feedback";
import * as research from "../src/api/research";
import { json } from "./support";

const fetchMock = vi.fn<typeof globalThis.fetch>();

beforeEach(() => {
  fetchMock.mockReset();
  client.resetCsrf(); // the app's one client keeps its token between tests otherwise
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => vi.unstubAllGlobals());

const call = (i: number) => ({
  url: new URL(String(fetchMock.mock.calls[i][0]), "http://x"),
  init: fetchMock.mock.calls[i][1] ?? {},
});

describe("research api", () => {
  it("lists tasks with the filters as query parameters, leaving out empty ones", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await research.listTasks({ q: "euv", program: 2, sponsor: undefined, page: 3, page_size: 20 });
    const { url } = call(0);
    expect(url.pathname).toBe("/api/v1/tasks/");
    expect(Object.fromEntries(url.searchParams)).toEqual({ q: "euv", program: "2", page: "3", page_size: "20" });
  });

  it("lists deliverables with the home panel's filters", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await research.listDeliverables({ sponsor: 7, overdue: true, ordering: "due_on" });
    expect(Object.fromEntries(call(0).url.searchParams)).toEqual({ sponsor: "7", overdue: "true", ordering: "due_on" });
  });

  it("reads programs and organisations in one large page", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 1, results: [{ id: 1, name: "Lithography" }] }));
    fetchMock.mockResolvedValueOnce(json({ count: 1, results: [{ id: 9, name: "Westbridge" }] }));
    expect(await research.listPrograms()).toEqual([{ id: 1, name: "Lithography" }]);
    expect(await research.listOrganisations("university")).toEqual([{ id: 9, name: "Westbridge" }]);
    expect(call(0).url.searchParams.get("page_size")).toBe("100");
    expect(Object.fromEntries(call(1).url.searchParams)).toEqual({ kind: "university", page_size: "100" });
  });

  it("posts staff decisions with their reason, with the CSRF token", async () => {
    fetchMock.mockResolvedValueOnce(json({ csrf_token: "tok" }));
    fetchMock.mockResolvedValueOnce(json({ id: 4, status: "revision_requested" }));
    fetchMock.mockResolvedValueOnce(json({ id: 4, status: "planned" }));
    await research.requestRevision(4, "Add error bars.");
    await research.extendDeliverable(4, "2027-01-31", "Tool time lost.");
    expect(call(1).url.pathname).toBe("/api/v1/deliverables/4/request-revision/");
    expect(call(1).init.body).toBe(JSON.stringify({ reason: "Add error bars." }));
    expect((call(1).init.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    expect(call(2).url.pathname).toBe("/api/v1/deliverables/4/extend/");
    expect(call(2).init.body).toBe(JSON.stringify({ due_on: "2027-01-31", reason: "Tool time lost." }));
  });

  it("turns a refused decision into an ApiError", async () => {
    fetchMock.mockResolvedValueOnce(json({ csrf_token: "tok" }));
    fetchMock.mockResolvedValueOnce(json({ status: 409, code: "conflict", detail: "Only a submitted deliverable is accepted." }, 409));
    const error = await research.acceptDeliverable(4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(409);
  });

  it("makes report download links absolute only when they are paths", () => {
    expect(research.reportUrl("/api/v1/deliverables/1/reports/2/download/")).toBe(
      "/api/v1/deliverables/1/reports/2/download/",
    );
    expect(research.reportUrl("https://files.example/r.pdf")).toBe("https://files.example/r.pdf");
  });
});

describe("feedback api", () => {
  it("lists feedback of one task, replied or not", async () => {
    fetchMock.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await feedback.listFeedback({ task: 5, has_reply: false, page: 1 });
    expect(Object.fromEntries(call(0).url.searchParams)).toEqual({ task: "5", has_reply: "false", page: "1" });
  });

  it("creates feedback, replies and withdraws it", async () => {
    fetchMock.mockResolvedValueOnce(json({ csrf_token: "tok" }));
    fetchMock.mockResolvedValueOnce(json({ id: 8 }, 201));
    fetchMock.mockResolvedValueOnce(json({ id: 8, replies: [{ id: 1 }] }, 201));
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    const body = { task: 5, deliverable: null, relevance: 5, quality: 4, progress: 3, comment: "Good." };
    await feedback.createFeedback(body);
    await feedback.replyToFeedback(8, "Thanks.");
    await feedback.deleteFeedback(8);
    expect([call(1), call(2), call(3)].map((c) => [c.init.method, c.url.pathname])).toEqual([
      ["POST", "/api/v1/feedback/"],
      ["POST", "/api/v1/feedback/8/replies/"],
      ["DELETE", "/api/v1/feedback/8/"],
    ]);
    expect(call(1).init.body).toBe(JSON.stringify(body));
    expect(call(2).init.body).toBe(JSON.stringify({ text: "Thanks." }));
  });

  it("keeps field errors for the form", async () => {
    fetchMock.mockResolvedValueOnce(json({ csrf_token: "tok" }));
    fetchMock.mockResolvedValueOnce(
      json({ status: 400, code: "invalid", detail: "comment: required", fields: { comment: ["This field is required."] } }, 400),
    );
    const error = (await feedback.createFeedback({ task: 5, relevance: 1, quality: 1, progress: 1, comment: "" }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error.field("comment")).toEqual(["This field is required."]);
  });
});
