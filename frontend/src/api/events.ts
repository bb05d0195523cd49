import { client } from "./client";
import type { components, operations } from "./schema";
import type { Event, EventPage, EventQuery } from "./types";

export type { Event, EventPage, EventQuery };
export type EventKind = components["schemas"]["EventKindEnum"];
export type EventAudience = components["schemas"]["EventAudienceEnum"];
export type EventStatus = components["schemas"]["EventStatusEnum"];
export type AgendaSession = components["schemas"]["Session"];
export type SessionMaterial = components["schemas"]["Material"];
export type MyRegistration = components["schemas"]["RegistrationBrief"];
export type Registration = components["schemas"]["Registration"];
export type RegistrationStatus = components["schemas"]["RegistrationStatusEnum"];
export type RegistrationPage = components["schemas"]["PaginatedRegistrationList"];
export type RegistrationQuery = NonNullable<operations["events_registrations_list"]["parameters"]["query"]>;
export type EventFigures = components["schemas"]["Figures"];
export type FeedUrl = components["schemas"]["FeedUrl"];

const EVENTS = "/api/v1/events/";

export function listEvents(query: EventQuery, signal?: AbortSignal): Promise<EventPage> {
  return client.request<EventPage>("GET", EVENTS, { query, signal });
}

export function getEvent(id: number, signal?: AbortSignal): Promise<Event> {
  return client.request<Event>("GET", `${EVENTS}${id}/`, { signal });
}

/** Registers the signed-in person: confirmed while seats last, waitlisted after (409 when already registered). */
export function register(eventId: number): Promise<Registration> {
  return client.request<Registration>("POST", `${EVENTS}${eventId}/registrations/`, { body: {} });
}

/** Gives the seat up; the first waiting person who fits takes it. */
export function cancelRegistration(eventId: number, registrationId: number): Promise<Registration> {
  return client.request<Registration>("POST", `${EVENTS}${eventId}/registrations/${registrationId}/cancel/`);
}

/** Staff: everyone's registrations of the event; others: only their own. */
export function listRegistrations(
  eventId: number,
  query: RegistrationQuery,
  signal?: AbortSignal,
): Promise<RegistrationPage> {
  return client.request<RegistrationPage>("GET", `${EVENTS}${eventId}/registrations/`, { query, signal });
}

export function checkIn(eventId: number, registrationId: number): Promise<Registration> {
  return client.request<Registration>("POST", `${EVENTS}${eventId}/registrations/${registrationId}/check-in/`);
}

export function getFigures(eventId: number, signal?: AbortSignal): Promise<EventFigures> {
  return client.request<EventFigures>("GET", `${EVENTS}${eventId}/figures/`, { signal });
}

/** A new secret URL for the personal calendar feed; any earlier URL stops working. */
export function createFeedToken(): Promise<FeedUrl> {
  return client.request<FeedUrl>("POST", `${EVENTS}feed-token/`);
}

/** Ends the personal calendar feed's URL (no error when there is none). */
export function revokeFeedToken(): Promise<void> {
  return client.request<void>("DELETE", `${EVENTS}feed-token/`);
}

/** Download links: the browser follows them with the session cookie and saves the attachment. */
export function icsUrl(eventId: number): string {
  return client.url(`${EVENTS}${eventId}/ics/`);
}

export function attendanceUrl(eventId: number): string {
  return client.url(`${EVENTS}${eventId}/attendance/`);
}

export function publicFeedUrl(): string {
  return client.url(`${EVENTS}feed.ics`);
}

export function materialUrl(downloadPath: string): string {
  return /^https?:/.test(downloadPath) ? downloadPath : client.url(downloadPath);
}
