#!/usr/bin/env python3
"""Runs Auth0's public rule templates (a clone of https://github.com/auth0/rules) through `rules eval`
against a sample login, one template per rule set, and prints the count by cause.

    git clone https://github.com/auth0/rules /tmp/auth0-rules        # outside this repository
    dotnet build Rules.Host
    python3 tools/auth0-templates.py /tmp/auth0-rules [--modules DIR] [--configure] [--verbose]

--modules DIR copies DIR/modules.lock.json and DIR/modules/ (packages vetted with `rules modules add`) beside
each template, so templates that require npm packages can resolve them. --configure gives each template a
placeholder value for every `configuration.KEY` it reads (an https URL for keys naming a URL or host, 1 for a count or
a number of days, else a 40-character string), so templates that skip themselves without configuration run their real
path, and answers the vendor calls a few templates make before they redirect from tools/auth0-template-http.json. The templates are never
copied into this repository; each runs from a temporary directory that is deleted afterwards.

Nothing calls out: every template runs with `--http` and no fixtures, so an HTTP call fails inside the rule
(ERR_NO_FIXTURE). The summary counts the templates that use context.redirect or @auth0/rule-utilities's
doRedirect, and how many reach the redirect (`rules eval` exit code 4).
"""
import argparse, collections, json, os, re, shutil, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HTTP_ANSWERS = os.path.join(REPO, "tools", "auth0-template-http.json")
RULES_DLL = os.path.join(REPO, "Rules.Host", "bin", "Debug", "net10.0", "rules.dll")

LOGIN = {
    "user": {
        "user_id": "auth0|5f7c8ec7c33c6c004bbafe82", "email": "jane@example.com", "email_verified": True,
        "name": "Jane Doe", "given_name": "Jane", "family_name": "Doe", "nickname": "jane",
        "picture": "https://example.com/jane.png", "created_at": "2024-01-01T00:00:00.000Z",
        "last_login": "2026-11-01T08:00:00.000Z", "logins_count": 3,
        "identities": [{"provider": "auth0", "user_id": "5f7c8ec7c33c6c004bbafe82", "connection": "Username-Password-Authentication", "isSocial": False}],
        "app_metadata": {"roles": ["user"]}, "user_metadata": {},
    },
    "context": {
        "clientID": "app1", "clientName": "Sample App", "connection": "Username-Password-Authentication",
        "connectionStrategy": "auth0", "connectionID": "con_1", "protocol": "oidc-basic-profile",
        "request": {"ip": "203.0.113.7", "userAgent": "Mozilla/5.0", "hostname": "login.example.com",
                    "query": {"scope": "openid profile email", "response_type": "code"},
                    "geoip": {"country_code": "AR", "country_name": "Argentina", "city": "Cordoba", "time_zone": "America/Argentina/Cordoba"}},
        "stats": {"loginsCount": 3}, "authentication": {"methods": [{"name": "pwd", "timestamp": 1764900000000}]},
        "sessionID": "sess_1", "tenant": "sample",
    },
    "now": "2026-12-02T10:00:00Z",
}


def classify(result):
    out, err, code = result.stdout, result.stderr, result.returncode
    if code == 4 and out.strip().startswith("{"):
        return "runs: redirect"
    if code in (0, 1) and out.strip().startswith("{"):
        outcome = json.loads(out)
        if outcome.get("decision") == "allow":
            return "runs: allow"
        kind = outcome.get("kind")
        if kind == "rule_denied":
            return "runs: denied by the rule (its own condition)"
        message = (outcome.get("failure") or {}).get("message", "")
        if kind == "rule_error" and "configuration" in message.lower() or re.search(r"of undefined|undefined \(reading", message):
            return "runs: fails on missing configuration or data (" + message[:70] + ")"
        return f"runs: {kind} ({message[:80]})"
    text = err
    m = re.search(r"require\('([^']+)'\) is not provided by this host", text)
    if m:
        return f"compile: host module not provided: {m.group(1).split('@')[0] if not m.group(1).startswith('@') else m.group(1)}"
    m = re.search(r"require\('([^']+)'\) (?:cannot be resolved|needs exactly)", text)
    if m:
        name = m.group(1)
        return "compile: npm package not vetted: " + (re.sub(r"(?<!^)@.*$", "", name))
    m = re.search(r"require\('([^']+)'\) is refused", text)
    if m:
        return f"compile: refused Node module: {m.group(1)}"
    m = re.search(r"error: (.*)", text)
    return "compile/other: " + (m.group(1)[:90] if m else text.strip()[:90])


def placeholder_configuration(text):
    keys = set(re.findall(r"configuration\.([A-Za-z0-9_]+)", text))
    for names in re.findall(r"\{([^{}]*)\}\s*=\s*configuration\b", text):  # const { A, B } = configuration
        keys.update(re.findall(r"\b([A-Z][A-Z0-9_]+)\b", names))
    keys = sorted(keys)
    def value(key):
        if re.search("URL|HOST", key):
            return f"https://{key.lower().replace('_', '-')}.example.com"
        if re.search("COUNT|DAYS|FREQUENCY", key):
            return "1"
        return f"placeholder-{key.lower()}-0123456789abcdef0123456789"
    return {k: value(k) for k in keys}


def redirects(text):
    return "context.redirect" in text or ".doRedirect(" in text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("clone")
    parser.add_argument("--modules")
    parser.add_argument("--configure", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    source = os.path.join(args.clone, "src", "rules")
    if not os.path.isdir(source):
        sys.exit(f"{source} does not exist: pass the path of a clone of https://github.com/auth0/rules")
    if not os.path.exists(RULES_DLL):
        sys.exit(f"{RULES_DLL} is missing: run `dotnet build Rules.Host` first")

    causes = collections.Counter()
    by_cause = collections.defaultdict(list)
    redirecting = {}
    templates = sorted(f for f in os.listdir(source) if f.endswith(".js"))
    fixtures_dir = tempfile.TemporaryDirectory(prefix="auth0-template-http-")
    with open(HTTP_ANSWERS, encoding="utf-8") as f:
        answers = json.load(f) if args.configure else {}
    for name in templates:
        with tempfile.TemporaryDirectory(prefix="auth0-template-") as work:
            with open(os.path.join(source, name), encoding="utf-8") as f:
                text = f.read()
            shutil.copy(os.path.join(source, name), os.path.join(work, name))
            if args.configure:
                with open(os.path.join(work, "rules.json"), "w") as f:
                    json.dump({"rules": [{"file": name, "name": name[:-3], "enabled": True}],
                               "configuration": placeholder_configuration(text),
                               "egress": answers.get(name, {}).get("egress", [])}, f)
            fixtures = os.path.join(fixtures_dir.name, name + ".json")
            with open(fixtures, "w") as f:
                json.dump(answers.get(name, {}).get("http", []), f)
            if args.modules:
                shutil.copy(os.path.join(args.modules, "modules.lock.json"), work)
                shutil.copytree(os.path.join(args.modules, "modules"), os.path.join(work, "modules"))
            result = subprocess.run(["dotnet", RULES_DLL, "eval", "--rules", work, "--transaction", "-", "--http", fixtures],
                                    input=json.dumps(LOGIN), capture_output=True, text=True, timeout=120)
            cause = classify(result)
            causes[cause] += 1
            by_cause[cause].append(name)
            if redirects(text):
                redirecting[name] = cause
            if args.verbose:
                print(f"{name}: {cause}", file=sys.stderr)

    print(f"{len(templates)} templates from {source}")
    ran = sum(n for c, n in causes.items() if c.startswith("runs:"))
    print(f"{ran} compile and run, {len(templates) - ran} do not compile\n")
    for cause, count in sorted(causes.items(), key=lambda p: (-p[1], p[0])):
        print(f"{count:4}  {cause}")
        if args.verbose:
            print("        " + ", ".join(by_cause[cause]))
    reached = sum(1 for c in redirecting.values() if c == "runs: redirect")
    print(f"\n{len(redirecting)} templates redirect (context.redirect or doRedirect); {reached} reach the redirect")
    for name, cause in sorted(redirecting.items()):
        print(f"      {name}: {cause}")


if __name__ == "__main__":
    main()
