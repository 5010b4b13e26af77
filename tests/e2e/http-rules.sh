#!/usr/bin/env bash
# The sample rules that call other services (Rules.Samples/http-rules), end to end against a loopback fake of the CRM
# and the Slack webhook: `rules test` passes from fixtures without any network; then `rules serve` runs them on a real
# impersonation ("Sign in as User") and the fake must have received the CRM lookup and the Slack message
# "Priya signed in as Jordan to the Customer Portal", and the ID token must carry the CRM tier.
#
# usage: tests/e2e/http-rules.sh            (builds and runs Rules.Host with dotnet run)
#        RULES_CMD="dotnet path/to/rules.dll" tests/e2e/http-rules.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RULES_CMD=${RULES_CMD:-"dotnet run --project Rules.Host --no-launch-profile --"}

work=$(mktemp -d)
server_pid=""
fake_pid=""
cleanup() {
  for pid in "$server_pid" "$fake_pid"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log ---" >&2; tail -n 40 "$work/server.log" >&2 || true; exit 1; }
pass() { echo "ok   $*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# 1. The fixture cases: no network at all.
$RULES_CMD test Rules.Samples/http-rules >"$work/test.out" 2>&1 || { cat "$work/test.out" >&2; fail "rules test Rules.Samples/http-rules"; }
pass "rules test Rules.Samples/http-rules: $(tail -n 1 "$work/test.out")"

# 2. A loopback fake of both services, and the sample rules pointed at it (allowed by its exact address).
fake_port=$(free_port)
fake="http://127.0.0.1:$fake_port"
: >"$work/requests.jsonl"
python3 tests/e2e/fake_services.py "$fake_port" "$work/requests.jsonl" &
fake_pid=$!
cp -r Rules.Samples/http-rules "$work/rules"
python3 - "$work/rules/rules.json" "$fake" <<'PY'
import json, sys
path, fake = sys.argv[1], sys.argv[2]
manifest = json.load(open(path))
manifest["configuration"]["CRM_URL"] = fake + "/v2/"
manifest["configuration"]["SLACK_WEBHOOK_URL"] = fake + "/services/T0000/B0000/XXXXXXXX"
manifest["egress"] = [fake]
json.dump(manifest, open(path, "w"), indent=2)
PY

port=$(free_port)
base="http://127.0.0.1:$port"
$RULES_CMD serve --urls "$base" --data "$work/data" --rules "$work/rules" --seed Rules.Samples/tenant.json >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
  sleep 0.5
done
curl -sf "$base/readyz" >/dev/null || fail "the server did not become ready on $base"
pass "server ready on $base, rules call $fake"

MGMT_ID=Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY
MGMT_SECRET=sample-management-secret-change-me-0000000000000000
APP2_ID=kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA
APP2_SECRET=sample-app2-secret-change-me-0000000000000000000000
CALLBACK=http://localhost:3000/callback

# 3. Priya (support) signs in as Jordan to the Customer Portal.
mgmt_token=$(curl -sf -X POST "$base/oauth/token" -H 'content-type: application/json' \
  -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$MGMT_ID\",\"client_secret\":\"$MGMT_SECRET\",\"audience\":\"$base/api/v2/\"}" \
  | json 'd["access_token"]') || fail "no management token"
user_id=$(curl -sf -G "$base/api/v2/users" -H "authorization: Bearer $mgmt_token" --data-urlencode 'q=email:"jordan.lee@gmail.com"' \
  | json 'd[0]["user_id"]') || fail "user search failed"
encoded_user=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$user_id")
link=$(curl -sf -X POST "$base/users/$encoded_user/impersonate" -H "authorization: Bearer $mgmt_token" -H 'content-type: application/json' \
  -d "{\"protocol\":\"oauth2\",\"impersonator_id\":\"auth0|64b7f0c2a1e9d3f4b5c6a7d8\",\"client_id\":\"$APP2_ID\",
       \"additionalParameters\":{\"response_type\":\"code\",\"state\":\"e2e-http\",\"callback_url\":\"$CALLBACK\",\"scope\":\"openid email\"}}") \
  || fail "impersonate request failed"
location=$(curl -s -o /dev/null -w '%{redirect_url}' "$link")
code=$(python3 -c 'import sys, urllib.parse as u; q=u.parse_qs(u.urlparse(sys.argv[1]).query); assert q["state"]==["e2e-http"], q; print(q["code"][0])' "$location") \
  || fail "the link did not redirect with a code: '$location'"
tokens=$(curl -sf -X POST "$base/oauth/token" --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$APP2_ID" \
  --data-urlencode "client_secret=$APP2_SECRET" --data-urlencode "code=$code" --data-urlencode "redirect_uri=$CALLBACK") || fail "code exchange failed"
tier=$(echo "$tokens" | json 'd["id_token"]' | python3 -c 'import sys, json, base64; p=sys.stdin.read().strip().split(".")[1]; p += "=" * (-len(p) % 4); print(json.loads(base64.urlsafe_b64decode(p))["https://acme.example.com/tier"])') \
  || fail "the ID token has no CRM tier"
[ "$tier" = "gold" ] || fail "the ID token's tier is '$tier'"
pass "the impersonated login's ID token carries the CRM tier: $tier"

# 4. What the fake received: the lookup for Jordan, then the Slack message.
python3 - "$work/requests.jsonl" <<'PY' || fail "the fake services did not receive the expected calls: $(cat "$work/requests.jsonl")"
import json, sys
calls = [json.loads(line) for line in open(sys.argv[1])]
assert [c["path"] for c in calls] == ["/v2/lookup", "/services/T0000/B0000/XXXXXXXX"], calls
assert json.loads(calls[0]["body"]) == {"email": "jordan.lee@gmail.com"}, calls[0]
assert json.loads(calls[1]["body"]) == {"text": "Priya signed in as Jordan to the Customer Portal"}, calls[1]
PY
pass "the CRM got the lookup and Slack got \"Priya signed in as Jordan to the Customer Portal\""

grep -q "jordan.lee@gmail.com\|Bearer crm-token" "$work/server.log" && fail "the server log holds a request body or header"
pass "the server log holds no request bodies or headers"

echo "e2e: http rules passed"
