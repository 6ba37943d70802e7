// The API client both pages use. The API lives on another origin, named by /config.json.
// Errors come back as application/problem+json; they surface as ApiError with the
// problem's fields, and a request that never reached the API surfaces as NetworkError.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The request failed (${status}).`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }

  /** Worth trying again later: the API or something in between had a problem. */
  get retryable() {
    return this.status === 429 || this.status >= 500;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super("We could not reach Emotipal. Check your connection; we will keep trying.");
    this.name = "NetworkError";
    this.cause = cause;
  }

  get retryable() {
    return true;
  }
}

let configPromise = null;

export function loadConfig() {
  configPromise ??= fetch("/config.json", { cache: "no-store", credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) throw new Error("The page could not find its settings.");
      return response.json();
    })
    .catch((error) => {
      configPromise = null; // let the next call try again
      throw error;
    });
  return configPromise;
}

/**
 * Call the API. `token` goes in the Authorization header; `body` is sent as JSON.
 * Resolves with the parsed JSON body (null for 204).
 */
export async function apiRequest(method, path, { token, body, headers = {}, keepalive = false, signal } = {}) {
  const { api } = await loadConfig();
  const init = {
    method,
    headers: { Accept: "application/json, application/problem+json", ...headers },
    credentials: "omit",
    cache: "no-store",
    keepalive,
    signal,
  };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${api.replace(/\/+$/, "")}${path}`, init);
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new NetworkError(error);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { title: "Unexpected response", detail: "The server sent something we could not read." };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** A friendly sentence for an error, for a notice on the page. */
export function describeError(error) {
  if (error instanceof NetworkError) return error.message;
  if (error instanceof ApiError) {
    if (error.status === 401) return "Your session has ended. Please sign in again.";
    if (error.status === 403) return "You do not have access to this.";
    if (error.status === 404) return "We could not find that. It may have been removed.";
    return error.message;
  }
  return "Something went wrong. Please try again.";
}
