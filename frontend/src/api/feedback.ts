/** Member feedback on research tasks, deliverables and reports, and the investigators' replies. */
import { client } from "./client";
import type { components, operations } from "./schema";

export type Feedback = components["schemas"]["Feedback"];
export type FeedbackPage = components["schemas"]["PaginatedFeedbackList"];
export type FeedbackQuery = NonNullable<operations["feedback_list"]["parameters"]["query"]>;
export type FeedbackCreate = components["schemas"]["FeedbackCreateRequest"];
export type FeedbackReply = components["schemas"]["Reply"];

export function listFeedback(query: FeedbackQuery, signal?: AbortSignal): Promise<FeedbackPage> {
  return client.request<FeedbackPage>("GET", "/api/v1/feedback/", { query, signal });
}

export function createFeedback(body: FeedbackCreate): Promise<Feedback> {
  return client.request<Feedback>("POST", "/api/v1/feedback/", { body });
}

/** Withdraw one's own feedback (allowed until the investigators reply). */
export function deleteFeedback(id: number): Promise<void> {
  return client.request<void>("DELETE", `/api/v1/feedback/${id}/`);
}

export function replyToFeedback(id: number, text: string): Promise<Feedback> {
  return client.request<Feedback>("POST", `/api/v1/feedback/${id}/replies/`, { body: { text } });
}
