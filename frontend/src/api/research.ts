/** Research: programs, tasks, deliverables and their progress reports (api.research). */
import { client } from "./client";
import type { components, operations } from "./schema";

export type Task = components["schemas"]["Task"];
export type TaskPage = components["schemas"]["PaginatedTaskList"];
export type TaskQuery = NonNullable<operations["tasks_list"]["parameters"]["query"]>;
export type TaskStatus = Task["status"];
export type DeliverableSummary = NonNullable<Task["deliverable_summary"]>;
export type Deliverable = components["schemas"]["Deliverable"];
export type DeliverablePage = components["schemas"]["PaginatedDeliverableList"];
export type DeliverableQuery = NonNullable<operations["deliverables_list"]["parameters"]["query"]>;
export type DeliverableStatus = Deliverable["status"];
export type Report = components["schemas"]["Report"];
export type Program = components["schemas"]["Program"];
export type Organisation = components["schemas"]["Organisation"];
export type OrganisationKind = components["schemas"]["OrganisationKindEnum"];

/** The API's largest page: filter option lists and a task's deliverables fit in one. */
export const MAX_PAGE_SIZE = 100;

export function listTasks(query: TaskQuery, signal?: AbortSignal): Promise<TaskPage> {
  return client.request<TaskPage>("GET", "/api/v1/tasks/", { query, signal });
}

export function getTask(id: number, signal?: AbortSignal): Promise<Task> {
  return client.request<Task>("GET", `/api/v1/tasks/${id}/`, { signal });
}

export async function listPrograms(): Promise<Program[]> {
  const page = await client.request<components["schemas"]["PaginatedProgramList"]>("GET", "/api/v1/programs/", {
    query: { page_size: MAX_PAGE_SIZE },
  });
  return page.results;
}

/** Universities or member companies, for the task filters (a public directory). */
export async function listOrganisations(kind: OrganisationKind): Promise<Organisation[]> {
  const page = await client.request<components["schemas"]["PaginatedOrganisationList"]>(
    "GET",
    "/api/v1/organisations/",
    { query: { kind, page_size: MAX_PAGE_SIZE } },
  );
  return page.results;
}

export function listDeliverables(query: DeliverableQuery, signal?: AbortSignal): Promise<DeliverablePage> {
  return client.request<DeliverablePage>("GET", "/api/v1/deliverables/", { query, signal });
}

/** A progress report (a PDF) for a deliverable: a new version; the deliverable becomes submitted. */
export function uploadReport(
  deliverableId: number,
  file: File,
  summary: string,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Deliverable> {
  const form = new FormData();
  form.append("file", file);
  if (summary) form.append("summary", summary);
  return client.upload<Deliverable>("POST", `/api/v1/deliverables/${deliverableId}/reports/`, form, onProgress, signal);
}

export function acceptDeliverable(id: number): Promise<Deliverable> {
  return client.request<Deliverable>("POST", `/api/v1/deliverables/${id}/accept/`);
}

export function requestRevision(id: number, reason: string): Promise<Deliverable> {
  return client.request<Deliverable>("POST", `/api/v1/deliverables/${id}/request-revision/`, { body: { reason } });
}

export function extendDeliverable(id: number, dueOn: string, reason: string): Promise<Deliverable> {
  return client.request<Deliverable>("POST", `/api/v1/deliverables/${id}/extend/`, {
    body: { due_on: dueOn, reason },
  });
}

export function skipDeliverable(id: number, reason: string): Promise<Deliverable> {
  return client.request<Deliverable>("POST", `/api/v1/deliverables/${id}/skip/`, { body: { reason } });
}

/** A report's download link: the browser follows it with the session cookie. */
export function reportUrl(downloadPath: string): string {
  return /^https?:/.test(downloadPath) ? downloadPath : client.url(downloadPath);
}
