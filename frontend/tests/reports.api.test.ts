import { afterEach, describe, expect, it, vi } from "vitest";
import { getReport, isReportName, listReports, reportCsvUrl } from "../src/api/reports";
import { ApiError } from "../src/api/client";
import { json, stubFetch } from "./support";

afterEach(() => vi.unstubAllGlobals());

describe("api/reports", () => {
  it("lists the reports", async () => {
    const links = [{ name: "publications", url: "/api/v1/reports/publications/", description: "d", group_by: ["program"] }];
    const fetch = stubFetch(json(links));
    await expect(listReports()).resolves.toEqual(links);
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/reports/");
  });

  it("asks for one report with its filters, leaving out the empty ones", async () => {
    const body = { filters: {}, rows: [], totals: { publications: 0 }, truncated: false, generated_at: "2026-11-27T12:00:00Z" };
    const fetch = stubFetch(json(body));
    await expect(getReport("events", { from: "2026-01-01", to: undefined, group_by: "company" })).resolves.toEqual(body);
    expect(fetch.mock.calls[0][0]).toBe("/api/v1/reports/events/?from=2026-01-01&group_by=company");
    expect(fetch.mock.calls[0][1]?.method).toBe("GET");
  });

  it("turns a refused filter into an ApiError naming the field", async () => {
    stubFetch(json({ status: 400, code: "invalid", detail: "from: `from` is after `to`.", fields: { from: ["`from` is after `to`."] } }, 400));
    const error = (await getReport("usage", { from: "2026-02-01", to: "2026-01-01" }).catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.field("from")).toEqual(["`from` is after `to`."]);
  });

  it("builds the CSV link with the same filters", () => {
    expect(reportCsvUrl("deliverables", { from: "2026-01-01", group_by: "task" })).toBe(
      "/api/v1/reports/deliverables/?from=2026-01-01&group_by=task&format=csv",
    );
  });

  it("knows the report names", () => {
    expect(isReportName("careers")).toBe(true);
    expect(isReportName("salaries")).toBe(false);
  });
});
