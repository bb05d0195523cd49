/** The reports (/api/v1/reports/): figures for staff and member companies, as JSON or a CSV download. */
import { client } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];
export type ReportLink = Schemas["ReportLink"];
export type PublicationsReport = Schemas["PublicationsReport"];
export type DeliverablesReport = Schemas["DeliverablesReport"];
export type UsageReport = Schemas["UsageReport"];
export type EventsReport = Schemas["EventsReport"];
export type CareersReport = Schemas["CareersReport"];

export const REPORT_NAMES = ["publications", "deliverables", "usage", "events", "careers"] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export interface ReportBodies {
  publications: PublicationsReport;
  deliverables: DeliverablesReport;
  usage: UsageReport;
  events: EventsReport;
  careers: CareersReport;
}

/** Every report's answer has this shape; rows and totals differ per report. */
export type AnyReport = ReportBodies[ReportName];
export type ReportRow = Record<string, string | number | null | undefined>;
export type CountTotals = Record<string, number | Record<string, number> | null | undefined>;

/** The parameters every report screen sets; each report accepts more (see docs/openapi.yaml). */
export interface ReportQuery {
  from?: string;
  to?: string;
  group_by?: string;
}

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name);
}

export function listReports(signal?: AbortSignal): Promise<ReportLink[]> {
  return client.request<ReportLink[]>("GET", "/api/v1/reports/", { signal });
}

export function getReport<N extends ReportName>(name: N, query: ReportQuery, signal?: AbortSignal): Promise<ReportBodies[N]> {
  return client.request<ReportBodies[N]>("GET", `/api/v1/reports/${name}/`, { query: { ...query }, signal });
}

/** The same figures as a CSV attachment: the browser follows the link with the session cookie. */
export function reportCsvUrl(name: ReportName, query: ReportQuery): string {
  return client.url(`/api/v1/reports/${name}/`, { ...query, format: "csv" });
}
