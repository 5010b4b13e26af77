// "Try this rule" on the rule editor: build a sample login, run the editor's script against it, show the outcome.
"use strict";
(() => {
  const panel = document.getElementById("try");
  if (!panel) return;
  const form = document.getElementById("try-form");
  const transaction = document.getElementById("try-transaction");
  const output = document.getElementById("try-result");

  const element = (tag, attributes, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  };
  const json = (value) => element("pre", { class: "json" }, JSON.stringify(value, null, 2));
  const show = (...nodes) => output.replaceChildren(element("div", { class: "outcome", id: "try-outcome" }, ...nodes));
  const failure = (message) => show(element("p", { class: "notice error", role: "alert" }, message));

  document.getElementById("try-build").addEventListener("click", async () => {
    const query = new URLSearchParams({
      user_id: document.getElementById("try-user").value,
      client_id: document.getElementById("try-client").value,
      impersonator_id: document.getElementById("try-impersonator").value,
    });
    const answer = await window.dashboard.getJson("/dashboard/api/rules/sample?" + query);
    if (!answer.ok) return failure(window.dashboard.errorMessage(answer));
    transaction.value = JSON.stringify(answer.body, null, 2);
    output.replaceChildren(element("p", { class: "muted", role: "status" }, "Sample login built. Edit it if you like, then press Try."));
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let parsed;
    try {
      parsed = JSON.parse(transaction.value);
    } catch (e) {
      return failure("The transaction is not valid JSON: " + e.message);
    }
    let fixtures;
    try {
      fixtures = JSON.parse(document.getElementById("try-http").value.trim() || "[]");
    } catch (e) {
      return failure("The HTTP fixtures are not valid JSON: " + e.message);
    }
    const run = document.getElementById("try-run");
    run.disabled = true;
    try {
      const answer = await window.dashboard.postJson("/dashboard/api/rules/" + encodeURIComponent(panel.dataset.ruleId) + "/try", {
        script: document.getElementById("script").value,
        scope: new FormData(form).get("try-scope"),
        transaction: parsed,
        http: fixtures,
      });
      if (answer.body && answer.body.compile_errors) {
        const list = element("ol", { class: "compile-errors" });
        for (const e of answer.body.compile_errors) list.append(element("li", {}, e.rule + ": line " + e.line + ", column " + e.column + ": " + e.message));
        return show(element("p", { class: "notice error", role: "alert" }, "The script does not compile."), list);
      }
      if (!answer.ok) return failure(window.dashboard.errorMessage(answer));
      const outcome = answer.body.outcome;
      const allowed = outcome.decision === "allow";
      const redirected = outcome.decision === "redirect";
      const verdict = allowed
        ? "Allowed: every rule that ran called back without an error."
        : redirected
          ? "Redirected by “" + outcome.rule + "” to " + outcome.url + " (the login would continue at /continue)."
          : "Denied by “" + outcome.rule + "”: " + outcome.error_description + " (" + outcome.error + ", " + outcome.kind + ")";
      const calls = element("ol", { id: "try-http-calls" });
      for (const call of outcome.http || []) {
        calls.append(element("li", {}, call.method + " " + call.host + call.path + ": " + (call.error ? call.error : call.status)));
      }
      show(
        element("h3", {}, "Outcome ", element("span", { class: "badge " + (allowed ? "allow" : "deny"), id: "try-decision" }, allowed ? "allowed" : redirected ? "redirected" : "denied")),
        element("p", { id: "try-verdict" }, verdict),
        element("h3", {}, "HTTP calls"), (outcome.http || []).length ? calls : element("p", { class: "muted" }, "(no calls)"),
        element("h3", {}, "ID token claims"), json(outcome.idToken),
        element("h3", {}, "Access token claims"), json(outcome.accessToken),
        element("h3", {}, "Console output"),
        element("pre", { id: "try-logs" }, outcome.logs.length ? outcome.logs.join("\n") : "(nothing logged)"),
        element("details", {}, element("summary", {}, "Full outcome"), json(outcome)));
    } catch {
      failure("The server could not be reached.");
    } finally {
      run.disabled = false;
    }
  });
})();
