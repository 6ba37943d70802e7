// The client's access token: read once from the link's #token=..., kept in this tab's
// session storage, and removed from the address bar so it is not shared or bookmarked.

import { apiRequest, ApiError } from "../shared/api.js";

const TOKEN_KEY = "emotipal.client.token";

export function takeTokenFromLink() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  const token = fragment.get("token");
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/`);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Call the API as the client. A 401 means the link expired or was replaced. */
export async function clientApi(method, path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  try {
    return await apiRequest(method, path, { ...options, token });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken();
      window.dispatchEvent(new CustomEvent("emotipal:signed-out"));
    }
    throw error;
  }
}
