import { ApiError, client } from "./client";
import type { Me, Schemas } from "./types";

export type LoginRequest = Schemas["LoginRequest"];

/** Who is signed in, or null for an anonymous visitor (a 401/403 here is not an error). */
export async function getMe(): Promise<Me | null> {
  try {
    return await client.request<Me>("GET", "/api/v1/auth/me/", { allowUnauthorized: true });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export async function login(body: LoginRequest): Promise<Me> {
  const me = await client.request<Me>("POST", "/api/v1/auth/login/", { body, allowUnauthorized: true });
  client.resetCsrf(); // Django rotates the token on sign-in
  return me;
}

export async function logout(): Promise<void> {
  await client.request<void>("POST", "/api/v1/auth/logout/", { allowUnauthorized: true });
  client.resetCsrf();
}
