// Shared by every Dashboard page: the CSRF token for fetch() calls, and closing dialogs.
"use strict";
window.dashboard = {
  csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },
  // JSON in, JSON out, with the antiforgery token in its header. Resolves to { ok, status, body }.
  async postJson(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": this.csrfToken() },
      body: JSON.stringify(body),
    });
    let json = null;
    try { json = await response.json(); } catch { json = null; }
    return { ok: response.ok, status: response.status, body: json };
  },
  async getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
    let json = null;
    try { json = await response.json(); } catch { json = null; }
    return { ok: response.ok, status: response.status, body: json };
  },
  errorMessage(result) {
    if (result.body && result.body.message) return result.body.message;
    if (result.status === 401) return "Your session ended. Reload the page and sign in again.";
    return "The server did not answer as expected (HTTP " + result.status + ").";
  },
};

document.addEventListener("click", (event) => {
  const closer = event.target.closest("[data-close-dialog]");
  if (closer) closer.closest("dialog").close();
});
