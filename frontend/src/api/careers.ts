/** Careers: a student's own profile, CV and consent; recruiters' search, profiles and resume books. */
import { client } from "./client";
import type { components, operations } from "./schema";

type Schemas = components["schemas"];
export type MyProfile = Schemas["MyProfile"];
export type Profile = Schemas["Profile"];
export type ProfileWrite = Schemas["ProfileWriteRequest"];
export type ProfilePage = Schemas["PaginatedProfileList"];
export type Degree = Schemas["DegreeEnum"];
export type Cv = Schemas["Cv"];
export type Consent = Schemas["Consent"];
export type ConsentWrite = Schemas["ConsentRequest"];
export type ConsentRecord = Schemas["ConsentRecord"];
export type ConsentRecordPage = Schemas["PaginatedConsentRecordList"];
export type ProfileViewEntry = Schemas["ProfileView"];
export type ProfileViewPage = Schemas["PaginatedProfileViewList"];
export type ResumeBook = Schemas["ResumeBook"];
export type ResumeBookPage = Schemas["PaginatedResumeBookList"];
export type ResumeBookStatus = Schemas["ResumeBookStatusEnum"];
export type ProfileQuery = NonNullable<operations["careers_profiles_list"]["parameters"]["query"]>;
export type ResumeBookFilters = Schemas["ResumeBookFiltersRequest"];
export type Organisation = Schemas["Organisation"];
export type OrganisationPage = Schemas["PaginatedOrganisationList"];

/** A consent record's companies, as the API stores them ({id, name} copied at the time). */
export interface ConsentCompany {
  id: number;
  name: string;
}

interface Paging {
  page?: number;
  page_size?: number;
}

const ME = "/api/v1/careers/me/";

/** The student's profile, or null when they have not created one yet (the API answers 404). */
export async function getMyProfile(signal?: AbortSignal): Promise<MyProfile | null> {
  try {
    return await client.request<MyProfile>("GET", ME, { signal });
  } catch (error) {
    if ((error as { status?: number })?.status === 404) return null;
    throw error;
  }
}

/** Creates the profile the first time, replaces its details after (consent and CV are separate). */
export function saveMyProfile(body: ProfileWrite): Promise<MyProfile> {
  return client.request<MyProfile>("PUT", ME, { body });
}

export function deleteMyProfile(): Promise<void> {
  return client.request<void>("DELETE", ME);
}

export function uploadCv(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<MyProfile> {
  const form = new FormData();
  form.append("file", file);
  return client.upload<MyProfile>("PUT", `${ME}cv/`, form, onProgress, signal);
}

export function deleteCv(): Promise<void> {
  return client.request<void>("DELETE", `${ME}cv/`);
}

export function myCvUrl(): string {
  return client.url(`${ME}cv/`);
}

export function setConsent(body: ConsentWrite): Promise<Consent> {
  return client.request<Consent>("PUT", `${ME}consent/`, { body });
}

export function listConsentHistory(query: Paging = {}): Promise<ConsentRecordPage> {
  return client.request<ConsentRecordPage>("GET", `${ME}consent/history/`, { query: { ...query } });
}

export function renewProfile(): Promise<MyProfile> {
  return client.request<MyProfile>("POST", `${ME}renew/`);
}

export function listMyViews(query: Paging = {}): Promise<ProfileViewPage> {
  return client.request<ProfileViewPage>("GET", `${ME}views/`, { query: { ...query } });
}

/** Active member companies, the ones a student may choose to share with (a short list: one page). */
export function listMemberCompanies(): Promise<OrganisationPage> {
  return client.request<OrganisationPage>("GET", "/api/v1/organisations/", {
    query: { kind: "member", active: true, ordering: "name", page_size: 100 },
  });
}

/** Universities, for the search's university filter. */
export function listUniversities(): Promise<OrganisationPage> {
  return client.request<OrganisationPage>("GET", "/api/v1/organisations/", {
    query: { kind: "university", ordering: "name", page_size: 100 },
  });
}

/**
 * The search's query string. `degree` repeats (degree=ms&degree=phd), which the client's flat query
 * cannot express, so the whole string is built here and passed in the path.
 */
export function profileQueryString(query: ProfileQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function searchProfiles(query: ProfileQuery, signal?: AbortSignal): Promise<ProfilePage> {
  return client.request<ProfilePage>("GET", `/api/v1/careers/profiles/${profileQueryString(query)}`, { signal });
}

export function getProfile(id: number): Promise<Profile> {
  return client.request<Profile>("GET", `/api/v1/careers/profiles/${id}/`);
}

/** Download links: the browser follows them with the session cookie. */
export function fileUrl(path: string): string {
  return /^https?:/.test(path) ? path : client.url(path);
}

/** The search's filters as a resume book's body: only those given, without paging or ordering. */
export function bookFilters(query: ProfileQuery): ResumeBookFilters {
  const { page: _page, page_size: _size, ordering: _ordering, ...filters } = query;
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
    body[key] = value;
  }
  return body as ResumeBookFilters;
}

export function requestResumeBook(filters: ResumeBookFilters): Promise<ResumeBook> {
  return client.request<ResumeBook>("POST", "/api/v1/careers/resume-books/", { body: filters });
}

export function listResumeBooks(query: Paging = {}, signal?: AbortSignal): Promise<ResumeBookPage> {
  return client.request<ResumeBookPage>("GET", "/api/v1/careers/resume-books/", { query: { ...query }, signal });
}

export function getResumeBook(id: number, signal?: AbortSignal): Promise<ResumeBook> {
  return client.request<ResumeBook>("GET", `/api/v1/careers/resume-books/${id}/`, { signal });
}
