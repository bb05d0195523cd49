import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as careers from "../src/api/careers";
import { ApiError, client } from "../src/api/client";
import { json } from "./support";

let fetch: ReturnType<typeof vi.fn<typeof globalThis.fetch>>;
beforeEach(() => {
  fetch = vi.fn<typeof globalThis.fetch>();
  vi.stubGlobal("fetch", fetch);
  client.resetCsrf();
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const url = (i: number) => String(fetch.mock.calls[i][0]);
const init = (i: number) => fetch.mock.calls[i][1] as RequestInit;

describe("careers api", () => {
  it("answers null for a student without a profile, and throws other errors", async () => {
    fetch.mockResolvedValueOnce(json({ status: 404, code: "not_found", detail: "You have no career profile yet" }, 404));
    await expect(careers.getMyProfile()).resolves.toBeNull();
    fetch.mockResolvedValueOnce(json({ status: 403, code: "permission_denied", detail: "Only students" }, 403));
    await expect(careers.getMyProfile()).rejects.toBeInstanceOf(ApiError);
  });

  it("saves the profile with PUT, a CSRF token and a JSON body", async () => {
    fetch.mockResolvedValueOnce(json({ csrf_token: "tok" })).mockResolvedValueOnce(json({ id: 7 }, 201));
    const body = { degree: "phd" as const, field: "EE", expected_graduation: "2027-06", skills: ["Python"], links: [] };
    await expect(careers.saveMyProfile(body)).resolves.toEqual({ id: 7 });
    expect(url(1)).toBe("/api/v1/careers/me/");
    expect(init(1).method).toBe("PUT");
    expect((init(1).headers as Record<string, string>)["X-CSRFToken"]).toBe("tok");
    expect(JSON.parse(String(init(1).body))).toEqual(body);
  });

  it("repeats the degree filter and leaves out empty ones in the search", async () => {
    fetch.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await careers.searchProfiles({ degree: ["ms", "phd"], skills_any: "python,verilog", q: "", field: undefined, page: 2 });
    expect(url(0)).toBe("/api/v1/careers/profiles/?degree=ms&degree=phd&skills_any=python%2Cverilog&page=2");
  });

  it("orders a resume book from the search's filters, without paging", async () => {
    expect(careers.bookFilters({ degree: [], q: "", skills_all: "tcad", page: 3, page_size: 20, ordering: "x" })).toEqual({
      skills_all: "tcad",
    });
    fetch.mockResolvedValueOnce(json({ csrf_token: "t" })).mockResolvedValueOnce(json({ id: 4, status: "queued" }, 202));
    await expect(careers.requestResumeBook({ skills_any: "tcad", degree: ["phd"] })).resolves.toMatchObject({ id: 4 });
    expect(url(1)).toBe("/api/v1/careers/resume-books/");
    expect(init(1).method).toBe("POST");
    expect(JSON.parse(String(init(1).body))).toEqual({ skills_any: "tcad", degree: ["phd"] });
  });

  it("lists active member companies for the consent choice", async () => {
    fetch.mockResolvedValueOnce(json({ count: 0, results: [] }));
    await careers.listMemberCompanies();
    expect(url(0)).toBe("/api/v1/organisations/?kind=member&active=true&ordering=name&page_size=100");
  });

  it("sets consent and renews", async () => {
    fetch
      .mockResolvedValueOnce(json({ csrf_token: "t" }))
      .mockResolvedValueOnce(json({ sharing: true, share_with_all: true, companies: [], changed_at: null }))
      .mockResolvedValueOnce(json({ id: 1 }));
    await careers.setConsent({ sharing: true, share_with_all: true, companies: [] });
    await careers.renewProfile();
    expect([url(1), init(1).method]).toEqual(["/api/v1/careers/me/consent/", "PUT"]);
    expect([url(2), init(2).method]).toEqual(["/api/v1/careers/me/renew/", "POST"]);
  });

  it("uploads the CV as multipart with progress", async () => {
    const upload = vi.spyOn(client, "upload").mockResolvedValue({ id: 1 });
    const onProgress = vi.fn();
    const file = new File(["%PDF-1.4"], "cv.pdf", { type: "application/pdf" });
    await careers.uploadCv(file, onProgress);
    const [method, path, form, progress] = upload.mock.calls[0];
    expect([method, path]).toEqual(["PUT", "/api/v1/careers/me/cv/"]);
    expect((form as FormData).get("file")).toBeInstanceOf(File);
    expect(progress).toBe(onProgress);
  });

  it("builds download links and pages the small lists", async () => {
    expect(careers.fileUrl("/api/v1/careers/resume-books/3/download/")).toBe("/api/v1/careers/resume-books/3/download/");
    expect(careers.fileUrl("https://files.example/x.zip")).toBe("https://files.example/x.zip");
    fetch.mockResolvedValueOnce(json({ count: 0, results: [] })).mockResolvedValueOnce(json({ count: 0, results: [] }));
    await careers.listMyViews({ page: 2, page_size: 10 });
    await careers.listResumeBooks({ page: 1, page_size: 5 });
    expect(url(0)).toBe("/api/v1/careers/me/views/?page=2&page_size=10");
    expect(url(1)).toBe("/api/v1/careers/resume-books/?page=1&page_size=5");
  });
});
