/**
 * What each report shows: its groupings, its table columns and how its rows become a chart. The
 * API's rows are aggregates already; here they are only labelled and, for the chart, pivoted.
 */
import type { ReportName, ReportRow } from "../../api/reports";
import { kindLabel } from "../publications/options";
import type { PublicationKind } from "../../api/types";

export type CellFormat = "text" | "count" | "month" | "datetime" | "kind" | "degree";

export interface Column {
  key: string;
  label: string;
  format: CellFormat;
}

export interface ChartSeries {
  label: string;
  data: number[];
}

export interface ChartModel {
  /** Read out as the canvas's accessible name; the table below carries the figures. */
  description: string;
  labels: string[];
  series: ChartSeries[];
  /** Parts of one whole (kinds of publication, degrees) stack; separate measures stand side by side. */
  stacked: boolean;
}

export interface ReportDefinition {
  title: string;
  summary: string;
  groupings: { value: string; label: string }[];
  /** What the `from`/`to` dates select, in this report's terms. */
  dateHint: string;
  columns: (groupBy: string) => Column[];
  /** Said under the table where its total is not simply the sum of the rows. */
  totalNote?: string;
  chart: (groupBy: string, rows: ReportRow[]) => ChartModel;
}

const DEGREES: Record<string, string> = { bs: "Bachelor's", ms: "Master's", phd: "PhD", postdoc: "Postdoc" };

const COUNT_LABELS: Record<string, string> = {
  publications: "Publications",
  deliverables: "Deliverables due",
  accepted: "Accepted",
  accepted_on_time: "Accepted on time",
  late: "Late",
  overdue: "Overdue",
  due_next_30_days: "Due in the next 30 days",
  downloads: "Downloads",
  views: "Views",
  registered: "Registered",
  confirmed: "Confirmed",
  waitlisted: "Waitlisted",
  cancelled: "Cancelled",
  checked_in: "Checked in",
  no_shows: "No-shows",
  profiles: "Consented profiles",
  profile_views: "Profile views",
  cv_views: "CV views",
  resume_book_views: "Resume-book views",
};

export function countLabel(key: string): string {
  return COUNT_LABELS[key] ?? key.replace(/_/g, " ");
}

const counts = (...keys: string[]): Column[] => keys.map((key) => ({ key, label: countLabel(key), format: "count" }));
const text = (key: string, label: string): Column => ({ key, label, format: "text" });

export const DEFINITIONS: Record<ReportName, ReportDefinition> = {
  publications: {
    title: "Publications",
    summary: "Publications per year, program and kind, over the publications you may see.",
    groupings: [{ value: "program", label: "Year, program and kind" }],
    dateHint: "Counts publications by year: the years of these dates are included.",
    totalNote: "The total counts each publication once; one linked to two programs has a row under each.",
    columns: () => [
      { key: "year", label: "Year", format: "text" },
      text("program_code", "Program"),
      text("program_name", "Program name"),
      { key: "kind", label: "Kind", format: "kind" },
      ...counts("publications"),
    ],
    chart: (_groupBy, rows) =>
      pivot(rows, {
        category: (row) => String(row.year),
        series: (row) => kindLabel(row.kind as PublicationKind),
        value: (row) => num(row.publications),
        description: "Bar chart of publications per year, stacked by kind",
      }),
  },
  deliverables: {
    title: "Deliverables",
    summary: "Deliverables due in the period per program or task: on time, late, overdue and due soon.",
    groupings: [
      { value: "program", label: "Program" },
      { value: "task", label: "Task" },
    ],
    dateHint: "Deliverables due between these days.",
    columns: (groupBy) => [
      text("program_code", "Program"),
      ...(groupBy === "task" ? [text("task_number", "Task"), text("task_title", "Task title")] : [text("program_name", "Program name")]),
      ...counts("deliverables", "accepted", "accepted_on_time", "late", "overdue", "due_next_30_days"),
    ],
    chart: (groupBy, rows) =>
      measures(rows, {
        category: (row) => String(groupBy === "task" ? row.task_number : row.program_code),
        keys: ["accepted_on_time", "late", "overdue", "due_next_30_days"],
        description: `Bar chart of deliverables per ${groupBy}: accepted on time, late, overdue and due in the next 30 days`,
      }),
  },
  usage: {
    title: "Downloads and views",
    summary: "Publication downloads and detail views by month, company or publication (whole months).",
    groupings: [
      { value: "month", label: "Month" },
      { value: "company", label: "Company" },
      { value: "publication", label: "Publication" },
    ],
    dateHint: "Whole months: from the first of the month of the first date to the end of the month of the last.",
    columns: (groupBy) => [
      ...(groupBy === "month" ? [{ key: "month", label: "Month", format: "month" as const }] : []),
      ...(groupBy === "company" ? [text("company_name", "Company")] : []),
      ...(groupBy === "publication" ? [text("publication_title", "Publication")] : []),
      ...counts("downloads", "views"),
    ],
    chart: (groupBy, rows) =>
      measures(rows, {
        category: (row) => usageLabel(groupBy, row),
        keys: ["downloads", "views"],
        description: `Bar chart of publication downloads and views per ${groupBy}`,
      }),
  },
  events: {
    title: "Events",
    summary: "Registrations, attendance and no-shows per event or member company.",
    groupings: [
      { value: "event", label: "Event" },
      { value: "company", label: "Company" },
    ],
    dateHint: "Events starting between these days.",
    columns: (groupBy) => [
      ...(groupBy === "company"
        ? [text("company_name", "Company")]
        : [text("event_title", "Event"), { key: "event_starts_at", label: "Starts", format: "datetime" as const }]),
      ...counts("registered", "confirmed", "waitlisted", "cancelled", "checked_in", "no_shows"),
    ],
    chart: (groupBy, rows) =>
      measures(rows, {
        category: (row) => (groupBy === "company" ? companyName(row) : String(row.event_title)),
        keys: ["registered", "checked_in", "no_shows"],
        description: `Bar chart of registrations, check-ins and no-shows per ${groupBy}`,
      }),
  },
  careers: {
    title: "Careers",
    summary: "Consented student profiles per degree and graduation year, or profile and CV views per company.",
    groupings: [
      { value: "graduation", label: "Degree and graduation year" },
      { value: "company", label: "Viewing company" },
    ],
    dateHint: "By graduation year: expected graduation between these days. By company: views between these days.",
    columns: (groupBy) =>
      groupBy === "company"
        ? [text("company_name", "Company"), ...counts("profile_views", "cv_views", "resume_book_views")]
        : [
            { key: "graduation_year", label: "Graduation year", format: "text" },
            { key: "degree", label: "Degree", format: "degree" },
            ...counts("profiles"),
          ],
    chart: (groupBy, rows) =>
      groupBy === "company"
        ? measures(rows, {
            category: companyName,
            keys: ["profile_views", "cv_views", "resume_book_views"],
            description: "Bar chart of profile, CV and resume-book views per company",
          })
        : pivot(rows, {
            category: (row) => String(row.graduation_year),
            series: (row) => degreeLabel(String(row.degree)),
            value: (row) => num(row.profiles),
            description: "Bar chart of consented student profiles per graduation year, stacked by degree",
          }),
  },
};

export function degreeLabel(degree: string): string {
  return DEGREES[degree] ?? degree;
}

function num(value: unknown): number {
  return typeof value === "number" ? value : 0;
}

function companyName(row: ReportRow): string {
  return row.company_name ? String(row.company_name) : "No member company";
}

function usageLabel(groupBy: string, row: ReportRow): string {
  if (groupBy === "company") return companyName(row);
  if (groupBy === "publication") return row.publication_title ? String(row.publication_title) : `Publication ${row.publication_id ?? "deleted"}`;
  return formatMonth(String(row.month));
}

/** "2026-03" in the browser's language ("March 2026", "mars 2026"). */
export function formatMonth(month: string): string {
  const [year, m] = month.split("-").map(Number);
  if (!year || !m) return month;
  return new Date(year, m - 1, 1).toLocaleDateString(undefined, { year: "numeric", month: "long" });
}

/** One bar per category, one stacked part per series value (kind, degree); equal categories add up. */
function pivot(
  rows: ReportRow[],
  how: { category: (r: ReportRow) => string; series: (r: ReportRow) => string; value: (r: ReportRow) => number; description: string },
): ChartModel {
  const labels = unique(rows.map(how.category));
  const names = unique(rows.map(how.series));
  const series = names.map((label) => ({ label, data: labels.map(() => 0) }));
  for (const row of rows) {
    series[names.indexOf(how.series(row))].data[labels.indexOf(how.category(row))] += how.value(row);
  }
  return { description: how.description, labels, series, stacked: true };
}

/** One group of bars per category, one bar per measure; equal categories add up. */
function measures(rows: ReportRow[], how: { category: (r: ReportRow) => string; keys: string[]; description: string }): ChartModel {
  const labels = unique(rows.map(how.category));
  const series = how.keys.map((key) => ({ label: countLabel(key), data: labels.map(() => 0) }));
  for (const row of rows) {
    const at = labels.indexOf(how.category(row));
    how.keys.forEach((key, i) => (series[i].data[at] += num(row[key])));
  }
  return { description: how.description, labels, series, stacked: false };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
