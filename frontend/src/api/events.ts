import { client } from "./client";
import type { EventPage, EventQuery } from "./types";

export function listEvents(query: EventQuery): Promise<EventPage> {
  return client.request<EventPage>("GET", "/api/v1/events/", { query });
}
