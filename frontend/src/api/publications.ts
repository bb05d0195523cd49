import { client } from "./client";
import type { Publication, PublicationPage, PublicationQuery } from "./types";

export type CitationFormat = "bibtex" | "ris";

export const CITATION_FORMATS: { value: CitationFormat; label: string; extension: string }[] = [
  { value: "bibtex", label: "BibTeX", extension: "bib" },
  { value: "ris", label: "RIS", extension: "ris" },
];

export function listPublications(query: PublicationQuery, signal?: AbortSignal): Promise<PublicationPage> {
  return client.request<PublicationPage>("GET", "/api/v1/publications/", { query, signal });
}

export function getPublication(id: number): Promise<Publication> {
  return client.request<Publication>("GET", `/api/v1/publications/${id}/`);
}

/** One publication's citation as text (for the clipboard). */
export function getCitation(id: number, format: CitationFormat): Promise<string> {
  return client.request<string>("GET", `/api/v1/publications/${id}/citation/`, { query: { format }, as: "text" });
}

/** The citations of every publication matching the filters (not paginated), as text. */
export function exportCitations(query: PublicationQuery, format: CitationFormat): Promise<string> {
  return client.request<string>("GET", "/api/v1/publications/export/", {
    query: { ...withoutPaging(query), format },
    as: "text",
  });
}

/** Download links: the browser follows them with the session cookie and saves the attachment. */
export function citationUrl(id: number, format: CitationFormat): string {
  return client.url(`/api/v1/publications/${id}/citation/`, { format });
}

export function exportUrl(query: PublicationQuery, format: CitationFormat): string {
  return client.url("/api/v1/publications/export/", { ...withoutPaging(query), format });
}

export function fileUrl(downloadPath: string): string {
  return /^https?:/.test(downloadPath) ? downloadPath : client.url(downloadPath);
}

function withoutPaging(query: PublicationQuery): PublicationQuery {
  const { page: _page, page_size: _pageSize, ...rest } = query;
  return rest;
}
