// "Sign in as User" on a user's page: pick the application (and Advanced Settings), get the one-time link from
// POST /dashboard/api/users/{id}/impersonate, then Copy or Open it.
"use strict";
(() => {
  const open = document.getElementById("impersonate-open");
  if (!open) return;
  const dialog = document.getElementById("impersonate-dialog");
  const form = document.getElementById("impersonate-form");
  const error = document.getElementById("impersonate-error");
  const result = document.getElementById("impersonate-result");
  const url = document.getElementById("impersonate-url");
  const link = document.getElementById("impersonate-link");
  const copied = document.getElementById("impersonate-copied");

  open.addEventListener("click", () => {
    form.hidden = false;
    result.hidden = true;
    error.hidden = true;
    copied.textContent = "";
    dialog.showModal();
    document.getElementById("impersonate-client").focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const data = new FormData(form);
    const submit = document.getElementById("impersonate-submit");
    submit.disabled = true;
    try {
      const answer = await window.dashboard.postJson(
        "/dashboard/api/users/" + encodeURIComponent(open.dataset.userId) + "/impersonate",
        {
          client_id: data.get("client_id"),
          response_mode: data.get("response_mode"),
          response_type: data.get("response_type"),
          scope: data.get("scope"),
          state: data.get("state"),
          mfa_code: data.get("mfa_code"),
        });
      if (!answer.ok) {
        error.textContent = window.dashboard.errorMessage(answer);
        error.hidden = false;
        error.focus();
        return;
      }
      url.value = answer.body.url;
      link.href = answer.body.url;
      document.getElementById("impersonate-expiry").textContent = "(single use, valid until " + answer.body.expires_at + ")";
      document.getElementById("impersonate-target").textContent =
        "Signs in to " + answer.body.client_name + ", which receives the result at " + answer.body.callback_url + ".";
      form.hidden = true;
      result.hidden = false;
      url.focus();
      url.select();
    } catch {
      error.textContent = "The server could not be reached.";
      error.hidden = false;
    } finally {
      submit.disabled = false;
    }
  });

  document.getElementById("impersonate-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url.value);
    } catch {
      url.select();
      document.execCommand("copy");
    }
    copied.textContent = "Link copied.";
  });
})();
