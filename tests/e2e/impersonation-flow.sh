#!/usr/bin/env bash
# Walks Auth0's "Sign in as User" guide against a real `rules serve` on a free loopback port, with curl,
# exactly as a user would: Management API token, find the user, create the impersonation link, follow it,
# exchange the code, verify the ID token's signature against the JWKS and check its claims. Then the same
# user signs in normally on the hosted login page (cookie jar), SSO carries them to a second app, and they log out.
# Last, a redirect rule: the support-ticket sample asks the impersonator for a ticket on the host's sample form.
#
# usage: tests/e2e/impersonation-flow.sh            (builds and runs Rules.Host with dotnet run)
#        RULES_CMD="dotnet path/to/rules.dll" tests/e2e/impersonation-flow.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RULES_CMD=${RULES_CMD:-"dotnet run --project Rules.Host --no-launch-profile --"}

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- server log ---" >&2; tail -n 40 "$work/server.log" >&2 || true; exit 1; }
pass() { echo "ok   $*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'d': d}))" "$1"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

# The sample rules, minus the business-hours rule, so the walk-through passes at any hour.
bash tests/sample-rules-any-hour "$work/rules"

$RULES_CMD serve --urls "$base" --data "$work/data" --rules "$work/rules" --seed Rules.Samples/tenant.json >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "$base/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
  sleep 0.5
done
curl -sf "$base/readyz" >/dev/null || fail "the server did not become ready on $base"
pass "server ready on $base"

MGMT_ID=Xs2dF7gH1jK6lZ3xC8vB4nM9qW5eR0tY
MGMT_SECRET=sample-management-secret-change-me-0000000000000000
APP2_ID=kQ3xR8vT2mN7pL4wY9bZ1cD6fG0hJ5sA
APP2_SECRET=sample-app2-secret-change-me-0000000000000000000000
CALLBACK=http://localhost:3000/callback
AGENT=auth0%7C64b7f0c2a1e9d3f4b5c6a7d8

# 1. A Management API token (client_credentials).
token_response=$(curl -sf -X POST "$base/oauth/token" -H 'content-type: application/json' \
  -d "{\"grant_type\":\"client_credentials\",\"client_id\":\"$MGMT_ID\",\"client_secret\":\"$MGMT_SECRET\",\"audience\":\"$base/api/v2/\"}") \
  || fail "client_credentials token request failed"
mgmt_token=$(echo "$token_response" | json 'd["access_token"]')
pass "management token issued (expires_in $(echo "$token_response" | json 'd["expires_in"]'))"

# 2. Find the user to impersonate.
user_id=$(curl -sf -G "$base/api/v2/users" -H "authorization: Bearer $mgmt_token" --data-urlencode 'q=email:"jordan.lee@gmail.com"' \
  | json 'd[0]["user_id"]') || fail "users search failed"
[ "$user_id" = "auth0|63f2a9c1d4e5b6a7c8d9e0f1" ] || fail "unexpected user_id $user_id"
encoded_user=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$user_id")
pass "found $user_id"

# 3. The one-time impersonation link.
link=$(curl -sf -X POST "$base/users/$encoded_user/impersonate" -H "authorization: Bearer $mgmt_token" -H 'content-type: application/json' \
  -d "{\"protocol\":\"oauth2\",\"impersonator_id\":\"auth0|64b7f0c2a1e9d3f4b5c6a7d8\",\"client_id\":\"$APP2_ID\",
       \"additionalParameters\":{\"response_type\":\"code\",\"state\":\"e2e-state-42\",\"callback_url\":\"$CALLBACK\",\"scope\":\"openid email profile\"}}") \
  || fail "impersonate request failed"
case "$link" in http*) ;; *) fail "the impersonate endpoint returned '$link', not a link";; esac
pass "link issued"

# 4. Following the link runs the rules and redirects to the callback with a code and the state.
location=$(curl -s -o /dev/null -w '%{redirect_url}' "$link")
case "$location" in "$CALLBACK?"*) ;; *) fail "link redirected to '$location'";; esac
code=$(python3 -c 'import sys, urllib.parse as u; q=u.parse_qs(u.urlparse(sys.argv[1]).query); assert q["state"]==["e2e-state-42"], q; print(q["code"][0])' "$location") \
  || fail "callback '$location' lacks the code or the state"
pass "redirected to the callback with a code and state=e2e-state-42"

status=$(curl -s -o /dev/null -w '%{http_code}' "$link")
[ "$status" = "400" ] || fail "a second use of the link answered $status"
pass "the link works once"

# 5. Exchange the code (form-encoded, with callback_url as the guide writes it).
tokens=$(curl -sf -X POST "$base/oauth/token" -H 'content-type: application/x-www-form-urlencoded' \
  --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$APP2_ID" --data-urlencode "client_secret=$APP2_SECRET" \
  --data-urlencode "code=$code" --data-urlencode "callback_url=$CALLBACK") || fail "code exchange failed"
[ "$(echo "$tokens" | json 'd["token_type"]')" = "Bearer" ] || fail "token_type is not Bearer"
id_token=$(echo "$tokens" | json 'd["id_token"]')
access_token=$(echo "$tokens" | json 'd["access_token"]')
pass "code exchanged for tokens"

status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/oauth/token" -H 'content-type: application/json' \
  -d "{\"grant_type\":\"authorization_code\",\"client_id\":\"$APP2_ID\",\"client_secret\":\"$APP2_SECRET\",\"code\":\"$code\",\"redirect_uri\":\"$CALLBACK\"}")
[ "$status" = "400" ] || fail "a second exchange of the code answered $status"
pass "the code works once"

# 6. The ID token verifies against the published keys and says who impersonated whom.
curl -sf "$base/.well-known/openid-configuration" | json 'd["jwks_uri"]' >/dev/null || fail "no discovery document"
curl -sf "$base/.well-known/jwks.json" >"$work/jwks.json" || fail "no JWKS"
claims=$(python3 tests/e2e/jwt_verify.py "$work/jwks.json" "$id_token") || fail "the ID token's signature does not verify"
check() { [ "$(echo "$claims" | json "$1")" = "$2" ] || fail "id_token: $1 is $(echo "$claims" | json "$1"), expected $2"; }
check 'd["sub"]' "$user_id"
check 'd["aud"]' "$APP2_ID"
check 'd["impersonated"]' "True"
check 'd["impersonator"]["user_id"]' "auth0|64b7f0c2a1e9d3f4b5c6a7d8"
check 'd["impersonator"]["email"]' "priya.shah@acme-support.example.com"
check 'd["act"]["sub"]' "auth0|64b7f0c2a1e9d3f4b5c6a7d8"
check 'd["email"]' "jordan.lee@gmail.com"
check 'd["https://rules.example.com/impersonator"]' "priya.shah@acme-support.example.com"
pass "id_token signature verified; sub, aud, impersonated, impersonator, act and the rules' claims are right"

userinfo=$(curl -sf "$base/userinfo" -H "authorization: Bearer $access_token") || fail "/userinfo failed"
[ "$(echo "$userinfo" | json 'd["impersonated"]')" = "True" ] || fail "/userinfo lacks impersonated"
pass "/userinfo shows the impersonation"

# 7. A rule denial reaches the callback: nobody impersonates an administrator.
admin_link=$(curl -sf -X POST "$base/users/auth0%7C63e1b8d0c3f4a5b6c7d8e9f0/impersonate" -H "authorization: Bearer $mgmt_token" -H 'content-type: application/json' \
  -d "{\"protocol\":\"oauth2\",\"impersonator_id\":\"auth0|64b7f0c2a1e9d3f4b5c6a7d8\",\"client_id\":\"$APP2_ID\",
       \"additionalParameters\":{\"response_type\":\"code\",\"state\":\"s2\",\"callback_url\":\"$CALLBACK\",\"scope\":\"openid\"}}") \
  || fail "impersonate (admin) request failed"
location=$(curl -s -o /dev/null -w '%{redirect_url}' "$admin_link")
python3 -c 'import sys, urllib.parse as u; q=u.parse_qs(u.urlparse(sys.argv[1]).query); assert q["error"]==["access_denied"] and "code" not in q and q["state"]==["s2"], q' "$location" \
  || fail "the admin impersonation was not denied at the callback: $location"
pass "impersonating an admin is denied at the callback (error=access_denied)"

# 8. The audit trail recorded who impersonated whom.
logs=$(curl -sf -G "$base/api/v2/logs" -H "authorization: Bearer $mgmt_token" --data-urlencode "impersonator_id=auth0|64b7f0c2a1e9d3f4b5c6a7d8") \
  || fail "/api/v2/logs failed"
[ "$(echo "$logs" | json 'len(d) >= 3')" = "True" ] || fail "expected audit entries for the impersonations, got: $logs"
pass "audit trail lists the impersonations"

# 9. A regular login: the user signs in on the hosted login page (curl with a cookie jar, as a browser would).
jar="$work/cookies.txt"
authorize_query="client_id=$APP2_ID&redirect_uri=$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "$CALLBACK")&response_type=code&scope=openid%20email&state=own-login-1&nonce=n-e2e"
login_path=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$base/authorize?$authorize_query")
case "$login_path" in "$base/login?"*) ;; *) fail "/authorize sent the browser to '$login_path', not the login page";; esac
curl -sf -c "$jar" -b "$jar" "$login_path" >"$work/login.html" || fail "the login page did not load"
csrf=$(python3 -c 'import re,sys,html; print(html.unescape(re.search(r"name=\"csrf\" value=\"([^\"]*)\"", open(sys.argv[1]).read()).group(1)))' "$work/login.html") \
  || fail "the login page has no CSRF token"
location=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$login_path" \
  --data-urlencode "csrf=$csrf" --data-urlencode "email=jordan.lee@gmail.com" --data-urlencode "password=Sample-Passw0rd!")
own_code=$(python3 -c 'import sys, urllib.parse as u; q=u.parse_qs(u.urlparse(sys.argv[1]).query); assert q["state"]==["own-login-1"], q; print(q["code"][0])' "$location") \
  || fail "the login page did not redirect to the callback with a code: '$location'"
pass "jordan signed in on the login page; callback got a code"

own_tokens=$(curl -sf -X POST "$base/oauth/token" --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$APP2_ID" \
  --data-urlencode "client_secret=$APP2_SECRET" --data-urlencode "code=$own_code" --data-urlencode "redirect_uri=$CALLBACK") || fail "own-login code exchange failed"
claims=$(python3 tests/e2e/jwt_verify.py "$work/jwks.json" "$(echo "$own_tokens" | json 'd["id_token"]')") || fail "the own-login ID token does not verify"
check 'd["sub"]' "$user_id"
check 'd["nonce"]' "n-e2e"
[ "$(echo "$claims" | json '[k for k in ("impersonated", "impersonator", "act") if k in d]')" = "[]" ] \
  || fail "a user's own login carries impersonation claims: $claims"
pass "own-login id_token verified, no impersonated/impersonator/act claims"

# 10. Single sign-on: the same browser opens the Billing Dashboard without seeing the login page, then signs out.
billing_location=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  "$base/authorize?client_id=Vb7nM2qW9eR4tY1uI6oP3aS8dF5gH0jK&redirect_uri=http%3A%2F%2Flocalhost%3A3002%2Fcallback&response_type=code&scope=openid&state=sso-2")
case "$billing_location" in "http://localhost:3002/callback?code="*) ;; *) fail "SSO to the Billing Dashboard went to '$billing_location'";; esac
pass "SSO: the Billing Dashboard got a code without a login page"
logout_location=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
  "$base/v2/logout?client_id=$APP2_ID&returnTo=http%3A%2F%2Flocalhost%3A3000%2F")
[ "$logout_location" = "http://localhost:3000/" ] || fail "logout redirected to '$logout_location'"
after=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' "$base/authorize?$authorize_query")
case "$after" in "$base/login?"*) ;; *) fail "after logout /authorize went to '$after' instead of the login page";; esac
pass "logout ended the session"

# 11. A redirect rule: the operator deploys the support-ticket sample; the impersonator must give a ticket number on the
#     host's sample form before the impersonation goes ahead (their browser: its own cookie jar).
version_before=$(curl -sf "$base/readyz" | json 'd["ruleSetVersion"]')
cp Rules.Samples/support-ticket/require-support-ticket.js "$work/rules/"
python3 - "$work/rules/rules.json" "$base/samples/support-ticket" <<'PY'
import json, sys
path, form = sys.argv[1], sys.argv[2]
manifest = json.load(open(path))
manifest["rules"].append({ "file": "require-support-ticket.js", "name": "Require a support ticket to impersonate", "enabled": True })
manifest["configuration"]["SUPPORT_TICKET_FORM_URL"] = form
json.dump(manifest, open(path, "w"), indent=2)
PY
for _ in $(seq 1 40); do
  [ "$(curl -sf "$base/readyz" | json 'd["ruleSetVersion"]')" != "$version_before" ] && break
  sleep 0.25
done
[ "$(curl -sf "$base/readyz" | json 'd["ruleSetVersion"]')" != "$version_before" ] || fail "the support-ticket rule did not go live"
pass "the support-ticket rule is live"

agent_jar="$work/agent-cookies.txt"
ticket_link=$(curl -sf -X POST "$base/users/$encoded_user/impersonate" -H "authorization: Bearer $mgmt_token" -H 'content-type: application/json' \
  -d "{\"protocol\":\"oauth2\",\"impersonator_id\":\"auth0|64b7f0c2a1e9d3f4b5c6a7d8\",\"client_id\":\"$APP2_ID\",
       \"additionalParameters\":{\"response_type\":\"code\",\"state\":\"ticket-1\",\"callback_url\":\"$CALLBACK\",\"scope\":\"openid\"}}") \
  || fail "impersonate (ticket) request failed"
form_url=$(curl -s -c "$agent_jar" -b "$agent_jar" -o /dev/null -w '%{redirect_url}' "$ticket_link")
case "$form_url" in "$base/samples/support-ticket?state="*) ;; *) fail "the impersonation was not sent to the ticket form: '$form_url'";; esac
pass "following the link sends the impersonator to the ticket form"

curl -sf -c "$agent_jar" -b "$agent_jar" "$form_url" >"$work/ticket.html" || fail "the ticket form did not load"
state=$(python3 -c 'import re,sys,html; print(html.unescape(re.search(r"name=\"state\" value=\"([^\"]*)\"", open(sys.argv[1]).read()).group(1)))' "$work/ticket.html") \
  || fail "the ticket form carries no state"
status=$(curl -s -o /dev/null -w '%{http_code}' "$base/continue" --data-urlencode "state=$state" --data-urlencode "ticket=SUP-1234")
[ "$status" = "400" ] || fail "a continue from another browser (no cookie) answered $status"
pass "the continue link is refused in another browser"

location=$(curl -s -c "$agent_jar" -b "$agent_jar" -o /dev/null -w '%{redirect_url}' "$base/continue" \
  --data-urlencode "state=$state" --data-urlencode "ticket=SUP-1234")
ticket_code=$(python3 -c 'import sys, urllib.parse as u; q=u.parse_qs(u.urlparse(sys.argv[1]).query); assert q["state"]==["ticket-1"], q; print(q["code"][0])' "$location") \
  || fail "the continue did not reach the callback with a code: '$location'"
pass "the ticket was given; the impersonation went ahead"

status=$(curl -s -c "$agent_jar" -b "$agent_jar" -o /dev/null -w '%{http_code}' "$base/continue" --data-urlencode "state=$state" --data-urlencode "ticket=SUP-1234")
[ "$status" = "400" ] || fail "a replayed continue answered $status"
pass "the continue works once"

ticket_tokens=$(curl -sf -X POST "$base/oauth/token" --data-urlencode grant_type=authorization_code --data-urlencode "client_id=$APP2_ID" \
  --data-urlencode "client_secret=$APP2_SECRET" --data-urlencode "code=$ticket_code" --data-urlencode "redirect_uri=$CALLBACK") || fail "ticket code exchange failed"
claims=$(python3 tests/e2e/jwt_verify.py "$work/jwks.json" "$(echo "$ticket_tokens" | json 'd["id_token"]')") || fail "the ticket ID token does not verify"
check 'd["https://rules.example.com/support_ticket"]' "SUP-1234"
check 'd["impersonator"]["user_id"]' "auth0|64b7f0c2a1e9d3f4b5c6a7d8"
pass "id_token carries the ticket as a namespaced claim"

ticket_logs=$(curl -sf -G "$base/api/v2/logs" -H "authorization: Bearer $mgmt_token" --data-urlencode "impersonator_id=auth0|64b7f0c2a1e9d3f4b5c6a7d8") \
  || fail "/api/v2/logs failed"
echo "$ticket_logs" | python3 -c '
import json, sys
logs = json.load(sys.stdin)
types = [l["type"] for l in logs]
assert "redirect_suspended" in types, types
continued = [l for l in logs if l["type"] == "s" and "continued" in l.get("details", {})]
assert continued and continued[0]["details"]["continued"]["answer"]["ticket"] == "SUP-1234", continued
' || fail "the audit trail lacks the suspended login or the ticket: $ticket_logs"
pass "audit trail: the login was suspended, then continued with ticket SUP-1234"

echo "e2e: impersonation flow passed"
