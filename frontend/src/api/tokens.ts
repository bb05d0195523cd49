/**
 * The signed-in person's own credentials and data: API tokens (/api/v1/auth/tokens/), the password
 * and the personal-data export. Staff may see everyone's tokens through the API; this module asks
 * for the caller's own only.
 */
import { client } from "./client";
import type { components, operations } from "./schema";

type Schemas = components["schemas"];
export type ApiToken = Schemas["ApiToken"];
export type ApiTokenCreated = Schemas["ApiTokenCreated"];
export type ApiTokenCreateRequest = Schemas["ApiTokenCreateRequest"];
export type ApiTokenPage = Schemas["PaginatedApiTokenList"];
export type TokenQuery = NonNullable<operations["auth_tokens_list"]["parameters"]["query"]>;
export type TokenScope = ApiTokenCreateRequest["scopes"][number];
export type PasswordChange = Schemas["PasswordChangeRequest"];

/** The scopes the API accepts (api.core.tokens.models.SCOPES), with what each allows. */
export const TOKEN_SCOPES: { value: TokenScope; label: string; hint: string }[] = [
  { value: "read", label: "Read", hint: "Read everything you can read when signed in." },
  { value: "write", label: "Write", hint: "Also make changes in your name." },
];

export function listTokens(query: TokenQuery, signal?: AbortSignal): Promise<ApiTokenPage> {
  return client.request<ApiTokenPage>("GET", "/api/v1/auth/tokens/", { query: { ...query }, signal });
}

/** The answer carries the secret (`token`): it is never shown again. */
export function createToken(body: ApiTokenCreateRequest): Promise<ApiTokenCreated> {
  return client.request<ApiTokenCreated>("POST", "/api/v1/auth/tokens/", { body });
}

/** Revoking keeps the record (and its history); the token stops working at once. */
export function revokeToken(id: number): Promise<void> {
  return client.request<void>("DELETE", `/api/v1/auth/tokens/${id}/`);
}

export function changePassword(body: PasswordChange): Promise<void> {
  return client.request<void>("POST", "/api/v1/auth/password/", { body });
}

/** A JSON attachment of everything Wafer holds about the caller; the browser downloads it. */
export function personalDataUrl(): string {
  return client.url("/api/v1/auth/me/export/");
}
