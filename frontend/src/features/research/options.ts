import type { Deliverable, DeliverableStatus, TaskStatus } from "../../api/research";

export const TASK_STATUSES: { value: TaskStatus; label: string }[] = [
  { value: "proposed", label: "Proposed" },
  { value: "active", label: "Active" },
  { value: "completed", label: "Completed" },
  { value: "cancelled", label: "Cancelled" },
];

export const DELIVERABLE_STATUSES: { value: DeliverableStatus; label: string }[] = [
  { value: "planned", label: "Planned" },
  { value: "submitted", label: "Submitted" },
  { value: "accepted", label: "Accepted" },
  { value: "revision_requested", label: "Revision requested" },
  { value: "skipped", label: "Skipped" },
];

export const KIND_LABELS: Record<Deliverable["kind"], string> = {
  report: "Report",
  publication: "Publication",
  software: "Software",
  thesis: "Thesis",
  presentation: "Presentation",
  data: "Data",
};

export function taskStatusLabel(status: TaskStatus): string {
  return TASK_STATUSES.find((s) => s.value === status)?.label ?? status;
}

/** Days ahead in which a planned deliverable counts as "due soon" (the API's summary uses 30). */
export const DUE_SOON_DAYS = 30;

export type DeliverableTone = "done" | "ok" | "warn" | "late" | "muted";

/**
 * What a deliverable's state means to a reader, in words (the colour only repeats it):
 * on time / late / overdue / due soon / upcoming / accepted / skipped / revision requested.
 */
export function deliverableState(d: Deliverable, today: string): { label: string; tone: DeliverableTone } {
  switch (d.status) {
    case "skipped":
      return { label: "Skipped", tone: "muted" };
    case "accepted":
      return { label: d.submitted_late ? "Accepted (submitted late)" : "Accepted", tone: "done" };
    case "submitted":
      return d.submitted_late
        ? { label: "Submitted late", tone: "warn" }
        : { label: "Submitted on time", tone: "ok" };
    case "revision_requested":
      return { label: d.overdue ? "Revision requested, overdue" : "Revision requested", tone: "warn" };
    default:
      if (d.overdue) return { label: "Overdue", tone: "late" };
      if (daysBetween(today, d.due_on) <= DUE_SOON_DAYS) return { label: "Due soon", tone: "warn" };
      return { label: "Upcoming", tone: "muted" };
  }
}

/** Today as YYYY-MM-DD in the browser's time zone (the API's date filters take this form). */
export function isoToday(now: Date = new Date()): string {
  return isoDate(now);
}

export function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(iso: string, days: number): string {
  const date = parseDate(iso);
  date.setDate(date.getDate() + days);
  return isoDate(date);
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round((parseDate(toIso).getTime() - parseDate(fromIso).getTime()) / 86_400_000);
}

// "2026-03-01" read by Date() is UTC midnight, which is the day before west of Greenwich: read the
// parts instead so a due date shows as the same day everywhere.
function parseDate(iso: string): Date {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Date(y, m - 1, d);
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? parseDate(iso).toLocaleDateString(undefined, { dateStyle: "medium" }) : "";
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "";
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
