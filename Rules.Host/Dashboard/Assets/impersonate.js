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
  const client = document.getElementById("impersonate-client");

  // The picked application's full client id, and whether the rules would refuse it now (the server dry-ran them).
  const showClient = () => {
    const option = client.selectedOptions[0];
    document.getElementById("impersonate-client-id").textContent = option ? option.value : "";
    const refusal = document.getElementById("impersonate-client-refusal");
    refusal.textContent = option && option.dataset.refusal ? option.dataset.refusal : "";
    refusal.hidden = !refusal.textContent;
  };
  client.addEventListener("change", showClient);

  // What the server will really do: a token response never goes in the query string (OAuth 2.0 Multiple Response
  // Types §2.1), so "GET" means the fragment for response_type token.
  const showMode = () => {
    const data = new FormData(form);
    const token = data.get("response_type") === "token";
    const post = data.get("response_mode") === "post";
    document.getElementById("impersonate-get-mode").textContent = token ? "GET (fragment)" : "GET (query)";
    document.getElementById("impersonate-mode-note").textContent = post
      ? "The browser posts the " + (token ? "tokens" : "code") + " to the callback in a form (form_post)."
      : token ? "The tokens arrive in the callback URL's fragment (#access_token=...), which the browser never sends to a server."
        : "The code arrives in the callback's query string (?code=...).";
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "response_type" || event.target.name === "response_mode") showMode();
  });

  // The expiry in the operator's own time zone, named, e.g. "6 Dec 2026, 14:35:12 GMT+1".
  const localTime = (iso) => {
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" });
  };

  open.addEventListener("click", () => {
    form.hidden = false;
    result.hidden = true;
    error.hidden = true;
    copied.textContent = "";
    showClient();
    showMode();
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
      const expiry = document.getElementById("impersonate-expiry");
      const time = document.createElement("time");
      time.dateTime = answer.body.expires_at;
      time.className = "nowrap";
      time.textContent = localTime(answer.body.expires_at);
      expiry.replaceChildren("(single use, valid until ", time, ")");
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
