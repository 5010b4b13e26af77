#!/usr/bin/env python3
"""Runs Auth0's public rule templates (a clone of https://github.com/auth0/rules) through `rules eval`
against a sample login, one template per rule set, and prints the count by cause.

    git clone https://github.com/auth0/rules /tmp/auth0-rules        # outside this repository
    dotnet build Rules.Host
    python3 tools/auth0-templates.py /tmp/auth0-rules [--modules DIR] [--verbose]

--modules DIR copies DIR/modules.lock.json and DIR/modules/ (packages vetted with `rules modules add`) beside
each template, so templates that require npm packages can resolve them. The templates are never copied into
this repository; each runs from a temporary directory that is deleted afterwards.
"""
import argparse, collections, json, os, re, shutil, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("clone")
    parser.add_argument("--modules")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    source = os.path.join(args.clone, "src", "rules")
    if not os.path.isdir(source):
        sys.exit(f"{source} does not exist: pass the path of a clone of https://github.com/auth0/rules")
    if not os.path.exists(RULES_DLL):
        sys.exit(f"{RULES_DLL} is missing: run `dotnet build Rules.Host` first")

    causes = collections.Counter()
    by_cause = collections.defaultdict(list)
    templates = sorted(f for f in os.listdir(source) if f.endswith(".js"))
    for name in templates:
        with tempfile.TemporaryDirectory(prefix="auth0-template-") as work:
            shutil.copy(os.path.join(source, name), os.path.join(work, name))
            if args.modules:
                shutil.copy(os.path.join(args.modules, "modules.lock.json"), work)
                shutil.copytree(os.path.join(args.modules, "modules"), os.path.join(work, "modules"))
            result = subprocess.run(["dotnet", RULES_DLL, "eval", "--rules", work, "--transaction", "-"],
                                    input=json.dumps(LOGIN), capture_output=True, text=True, timeout=120)
            cause = classify(result)
            causes[cause] += 1
            by_cause[cause].append(name)
            if args.verbose:
                print(f"{name}: {cause}", file=sys.stderr)

    print(f"{len(templates)} templates from {source}")
    ran = sum(n for c, n in causes.items() if c.startswith("runs:"))
    print(f"{ran} compile and run, {len(templates) - ran} do not compile\n")
    for cause, count in sorted(causes.items(), key=lambda p: (-p[1], p[0])):
        print(f"{count:4}  {cause}")
        if args.verbose:
            print("        " + ", ".join(by_cause[cause]))


if __name__ == "__main__":
    main()
