/**
 * The one fetch client: base URL, session cookies, CSRF, and the API's error envelope
 * ({status, code, detail, fields?}) turned into a typed ApiError. Domain modules (auth.ts,
 * publications.ts, ...) call `request`; views never call fetch themselves.
 */
import { reactive } from "vue";

export interface ErrorEnvelope {
  status: number;
  code: string;
  detail: string;
  fields?: Record<string, string[]>;
  retry_after?: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fields: Record<string, string[]>;
  /** Seconds to wait (429 and 503), from the envelope or the Retry-After header. */
  readonly retryAfter: number | null;

  constructor(envelope: ErrorEnvelope, retryAfter: number | null = null) {
    super(envelope.detail);
    this.name = "ApiError";
    this.status = envelope.status;
    this.code = envelope.code;
    this.detail = envelope.detail;
    this.fields = envelope.fields ?? {};
    this.retryAfter = envelope.retry_after ?? retryAfter;
  }

  /** The messages for one field ("email", "authors.0.orcid"), for display beside it. */
  field(name: string): string[] {
    return this.fields[name] ?? [];
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** "json" (default) or "text" (citations are text files). */
  as?: "json" | "text";
  /** Do not send the visitor to sign-in on a 401 (e.g. asking who is signed in). */
  allowUnauthorized?: boolean;
  signal?: AbortSignal;
}

export interface ClientConfig {
  baseUrl: string;
  fetch: typeof fetch;
  /** Called on a 401: the app sends the visitor to sign-in, keeping where they were. */
  onUnauthorized: () => void;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Shown app-wide: the API said it is unavailable (503). Cleared by the next good answer. */
export const serviceState = reactive({ unavailable: false, retryAfter: null as number | null });

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl.replace(/\/$/, "")}${path}${search ? `?${search}` : ""}`;
}

function retryAfterHeader(response: Response): number | null {
  const value = response.headers.get("Retry-After");
  const seconds = value === null ? NaN : Number(value);
  return Number.isFinite(seconds) ? seconds : null;
}

/** The API's error envelope from a response body, or a readable stand-in when it is not ours. */
export function errorFromBody(status: number, statusText: string, text: string, retryAfter: number | null): ApiError {
  let envelope: ErrorEnvelope;
  try {
    const body = JSON.parse(text);
    envelope =
      body && typeof body.detail === "string"
        ? { ...body, status }
        : { status, code: "error", detail: statusText || "Request failed." };
  } catch {
    // Not our envelope (a proxy's HTML page, say): still a typed error a person can read.
    envelope = { status, code: "error", detail: statusText || "Request failed." };
  }
  return new ApiError(envelope, retryAfter);
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  return errorFromBody(response.status, response.statusText, text, retryAfterHeader(response));
}

/** What every failed answer does app-wide: 503 raises the banner, 401 goes to sign-in. */
function noticeFailure(error: ApiError, allowUnauthorized: boolean | undefined, onUnauthorized: () => void) {
  if (error.status === 503) {
    serviceState.unavailable = true;
    serviceState.retryAfter = error.retryAfter;
  }
  if (error.status === 401 && !allowUnauthorized) onUnauthorized();
}

export function createClient(config: ClientConfig) {
  let csrfToken: string | null = null;

  async function csrf(): Promise<string> {
    if (csrfToken === null) {
      // The token comes in the body, not from document.cookie: a SPA on another origin cannot read
      // the API's cookie, and this works on both.
      const data = (await request<{ csrf_token: string }>("GET", "/api/v1/auth/csrf/")) as { csrf_token: string };
      csrfToken = data.csrf_token;
    }
    return csrfToken;
  }

  async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let body: BodyInit | undefined;
    if (options.body instanceof FormData) {
      body = options.body;
    } else if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(options.body);
    }
    if (UNSAFE.has(method)) headers["X-CSRFToken"] = await csrf();
    try {
      return await config.fetch(buildUrl(config.baseUrl, path, options.query), {
        method,
        headers,
        body,
        credentials: "include",
        signal: options.signal,
      });
    } catch (error) {
      if ((error as Error)?.name === "AbortError") throw error;
      throw new ApiError({ status: 0, code: "network_error", detail: "Wafer cannot be reached. Check your connection." });
    }
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    let response = await send(method, path, options);
    if (response.status === 403 && UNSAFE.has(method)) {
      // Signing in or out rotates the CSRF token; fetch the new one and try once more.
      const error = await errorFrom(response.clone());
      if (error.detail.startsWith("CSRF Failed")) {
        csrfToken = null;
        response = await send(method, path, options);
      }
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      noticeFailure(error, options.allowUnauthorized, config.onUnauthorized);
      throw error;
    }
    serviceState.unavailable = false;
    if (response.status === 204) return undefined as T;
    return (options.as === "text" ? await response.text() : await response.json()) as T;
  }

  /**
   * A multipart upload that reports its progress (0..1) as it goes: fetch cannot, so this one
   * write uses XMLHttpRequest, with the same cookies, CSRF token and error handling.
   */
  async function upload<T>(
    method: "POST" | "PUT",
    path: string,
    form: FormData,
    onProgress: (fraction: number) => void,
    signal?: AbortSignal,
  ): Promise<T> {
    const token = await csrf();
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, buildUrl(config.baseUrl, path));
      xhr.withCredentials = true;
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          serviceState.unavailable = false;
          onProgress(1);
          resolve((xhr.status === 204 || !xhr.responseText ? undefined : JSON.parse(xhr.responseText)) as T);
          return;
        }
        const retry = Number(xhr.getResponseHeader("Retry-After"));
        const error = errorFromBody(xhr.status, xhr.statusText, xhr.responseText, Number.isFinite(retry) && retry > 0 ? retry : null);
        noticeFailure(error, false, config.onUnauthorized);
        reject(error);
      };
      xhr.onerror = () =>
        reject(new ApiError({ status: 0, code: "network_error", detail: "Wafer cannot be reached. Check your connection." }));
      xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
      signal?.addEventListener("abort", () => xhr.abort(), { once: true });
      xhr.send(form);
    });
  }

  return {
    request,
    upload,
    /** Forget the CSRF token (after signing in or out, which rotate it). */
    resetCsrf: () => {
      csrfToken = null;
    },
    /** An absolute URL for links the browser follows itself (file and citation downloads). */
    url: (path: string, query?: Query) => buildUrl(config.baseUrl, path, query),
  };
}

export type Client = ReturnType<typeof createClient>;

let unauthorizedHandler: () => void = () => {};

/** The app registers what a 401 does (the router's redirect to sign-in) once it exists. */
export function onUnauthorized(handler: () => void): void {
  unauthorizedHandler = handler;
}

export const client: Client = createClient({
  baseUrl: import.meta.env.VITE_API_BASE ?? "",
  fetch: (...args) => globalThis.fetch(...args),
  onUnauthorized: () => unauthorizedHandler(),
});
