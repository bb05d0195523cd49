/** Words and dates for events, shared by the list, the detail, check-in and the home panel. */
import type { Event, EventKind, MyRegistration, RegistrationStatus } from "../../api/events";

export const KINDS: { value: EventKind; label: string }[] = [
  { value: "conference", label: "Conference" },
  { value: "review", label: "Review meeting" },
  { value: "webinar", label: "Webinar" },
  { value: "workshop", label: "Workshop" },
];

export function kindLabel(kind: EventKind): string {
  return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export const STATUS_LABELS: Record<RegistrationStatus, string> = {
  confirmed: "Confirmed",
  waitlisted: "Waiting list",
  cancelled: "Cancelled",
};

function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return day.format(a) === day.format(b);
}

/**
 * "Tuesday, 22 December 2026, 09:00 – 15:00 PST" in the browser's locale, at the given time zone
 * (the event's own by default, so a Berlin meeting reads in Berlin time wherever it is read).
 */
export function formatRange(startsAt: string, endsAt: string, timeZone?: string): string {
  const start = new Date(startsAt);
  const end = new Date(endsAt);
  const zone = timeZone || browserZone();
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short", timeZone: zone });
  const endFormat = sameDay(start, end, zone)
    ? new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short" })
    : new Intl.DateTimeFormat(undefined, {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        hour: "numeric", minute: "2-digit", timeZone: zone, timeZoneName: "short",
      });
  return `${dateTime.format(start)} – ${endFormat.format(end)}`;
}

/** The same range in the reader's own time zone, or null when that is the event's time zone anyway. */
export function formatRangeForReader(startsAt: string, endsAt: string, eventZone: string): string | null {
  const reader = browserZone();
  const at = new Date(startsAt);
  const offset = (zone: string) =>
    new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" }).format(at).split(" ").pop();
  if (!eventZone || reader === eventZone || offset(reader) === offset(eventZone)) return null;
  return formatRange(startsAt, endsAt, reader);
}

/** A short date and time in the reader's zone, for lists ("22 Dec 2026, 09:00"). */
export function formatShort(moment: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: "medium",
    timeStyle: "short",
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(moment));
}

export function formatTime(moment: string): string {
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(new Date(moment));
}

/** Places for people: "12 of 80 places left", "Full — waiting list (3 waiting)", "Unlimited places". */
export function seatsText(event: Event): string {
  const available = event.seats.available ?? null;
  const waiting = event.seats.waitlisted ?? 0;
  if (event.capacity === null || available === null) return "No limit on places";
  if (available > 0) return `${available} of ${event.capacity} place${event.capacity === 1 ? "" : "s"} left`;
  return waiting ? `Full — waiting list (${waiting} waiting)` : "Full — waiting list";
}

export function isFull(event: Event): boolean {
  return event.capacity !== null && (event.seats.available ?? 1) <= 0;
}

export function registrationText(mine: MyRegistration | null | undefined): string {
  if (!mine) return "";
  if (mine.status === "confirmed") return "You have a place.";
  if (mine.status === "waitlisted")
    return mine.position ? `You are number ${mine.position} on the waiting list.` : "You are on the waiting list.";
  return "You cancelled your registration.";
}

export type RegistrationWindow =
  | { open: true }
  | { open: false; reason: string };

/** Whether the event takes registrations now, and if not, why (the API decides in the end). */
export function registrationWindow(event: Event, now = new Date()): RegistrationWindow {
  if (event.status === "cancelled") return { open: false, reason: "This event is cancelled." };
  if (event.status !== "published") return { open: false, reason: "Registration is not open yet (draft)." };
  if (event.registration_opens_at && now < new Date(event.registration_opens_at))
    return { open: false, reason: `Registration opens ${formatShort(event.registration_opens_at)}.` };
  const closes = event.registration_closes_at ?? event.starts_at;
  if (now >= new Date(closes)) return { open: false, reason: "Registration has closed." };
  return { open: true };
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Just the times, "09:00 – 10:30 PST", for agenda rows under an event whose date is already shown. */
export function formatTimeRange(startsAt: string, endsAt: string, timeZone: string): string {
  const start = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone });
  const end = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone, timeZoneName: "short" });
  return `${start.format(new Date(startsAt))} – ${end.format(new Date(endsAt))}`;
}
