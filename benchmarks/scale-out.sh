#!/usr/bin/env bash
# Scale-out: the soak's flow load (tests/soak/Rules.Soak: create impersonation link -> follow it -> exchange the code)
# with the same clients and duration against
#   (a) one instance on SQLite (fresh --data directory),
#   (b) one instance on PostgreSQL (fresh database),
#   (c) two instances on one PostgreSQL (fresh database), each request to the next instance (round-robin).
# Every configuration starts from an empty store seeded with the sample tenant and the sample rules minus the
# business-hours rule (imported into the database by the first PostgreSQL instance; the second serves them from
# there). All instances share one public issuer, as behind a load balancer. PostgreSQL is a private throw-away
# cluster (tests/postgres start --durable: fsync and synchronous commit on, as SQLite's WAL + synchronous=NORMAL
# commits are durable too). Prints a table and writes it to benchmarks/results/scale-out.md. See benchmarks/README.md.
#
# usage: benchmarks/scale-out.sh [--duration SECONDS=30] [--concurrency N=8] [--balance round-robin|sticky] [--rounds N=1]
#   --balance sticky: in (c) each client keeps to one instance with its own Management token (for a build whose
#   instances do not share signing keys yet).
#   --rounds N: run (a), (b), (c) N times in turn, one row each, so the spread on a shared machine shows.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

duration=30
concurrency=8
balance=round-robin
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --balance) balance=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: benchmarks/scale-out.sh [--duration SECONDS=30] [--concurrency N=8] [--balance round-robin|sticky] [--rounds N=1]" >&2; exit 2 ;;
  esac
done

issuer="http://rules.example.test/"
work=$(mktemp -d /tmp/rules-scale-out.XXXXXX)
server_pids=()
pg_data=""
stop_servers() {
  local pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${server_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  server_pids=()
}
cleanup() {
  stop_servers
  if [ -n "$pg_data" ]; then RULES_TEST_PGDATA="$pg_data" bash tests/postgres stop || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "scale-out: FAILED: $*" >&2; for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log ---" >&2; tail -n 30 "$log" >&2; }; done; exit 1; }

echo "scale-out: building Rules.Host and the load client (Release)"
dotnet build -c Release -v q -nologo Rules.Host/Rules.Host.csproj >/dev/null
dotnet build -c Release -v q -nologo tests/soak/Rules.Soak/Rules.Soak.csproj >/dev/null
rules=(dotnet Rules.Host/bin/Release/net10.0/rules.dll)
soak=(dotnet tests/soak/Rules.Soak/bin/Release/net10.0/Rules.Soak.dll)

# The sample rules minus the business-hours rule, so logins pass at any hour (as tests/soak/run does).
bash tests/sample-rules-any-hour "$work/rules"

echo "scale-out: starting a private PostgreSQL (durable settings)"
pg_env=$(env -u RULES_TEST_PGDATA -u RULES_TEST_POSTGRES bash tests/postgres start --durable)
pg_data=$(sed -n "s/^export RULES_TEST_PGDATA='\(.*\)'$/\1/p" <<<"$pg_env")
pg_base=$(sed -n "s/^export RULES_TEST_POSTGRES='\(.*\)'$/\1/p" <<<"$pg_env")
[ -n "$pg_data" ] && [ -n "$pg_base" ] || fail "tests/postgres start printed no connection string"
pg_field() { tr ';' '\n' <<<"$pg_base" | sed -n "s/^$1=//p"; }
psql_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql
pg_version=$(PGPASSWORD=$(pg_field Password) "$psql_bin" -qAt -h "$(pg_field Host)" -p "$(pg_field Port)" -U "$(pg_field Username)" -d postgres -c "SHOW server_version")
fresh_database() {  # prints a connection string to a new, empty database
  PGPASSWORD=$(pg_field Password) "$psql_bin" -q -h "$(pg_field Host)" -p "$(pg_field Port)" -U "$(pg_field Username)" -d postgres \
    -c "CREATE DATABASE $1" >/dev/null
  echo "${pg_base/Database=rules_test/Database=$1}"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# start_server NAME URL ARGS...: a fresh --data directory, the sample tenant, the public issuer, warnings only;
# returns when /readyz answers. Its pid is appended to server_pids.
start_server() {
  local name=$1 url=$2; shift 2
  Logging__LogLevel__Default=Warning "${rules[@]}" serve --urls "$url" --data "$work/$name-data" \
    --seed Rules.Samples/tenant.json "--Rules:Issuer=$issuer" "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  server_pids+=("$pid")
  for _ in $(seq 1 120); do
    curl -sf "$url/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "$name exited during start-up"
    sleep 0.5
  done
  fail "$name did not become ready on $url"
}

rows=()
reports=()
# measure LABEL SOAK-ARGS...: the load on the running servers; one table row, the full report kept for the file.
measure() {
  local label=$1; shift
  local load; load=$(uptime | sed 's/.*load average: //')
  echo
  echo "scale-out: $label; load average before the run: $load"
  local status=0
  "${soak[@]}" --duration "$duration" --concurrency "$concurrency" --issuer "$issuer" --max-rss-growth-mb 100000 "$@" \
    >"$work/soak.out" 2>&1 || status=$?
  cat "$work/soak.out"
  local row
  row=$(python3 - "$label" "$load" "$status" "$work/soak.out" <<'PY'
import re, sys
label, load, status, path = sys.argv[1:]
text = open(path).read()
flows = re.search(r"flows completed\s+(\d+) \(([\d.]+)/s\), failed (\d+)", text)
latency = re.search(r"p50 ([\d.]+) ms, p99 ([\d.]+) ms", text)
errors = re.search(r"5xx responses\s+(\d+)", text)
if not (flows and latency and errors):
    print(f"| {label} | – | – | – | – | – | no report (exit {status}) | {load.split(',')[0]} |")
    sys.exit()
failed = re.search(r"soak: FAILED: (.*)", text)
verdict = "passed" if status == "0" else "FAILED: " + (failed.group(1) if failed else f"exit {status}")
print(f"| {label} | {float(flows.group(2)):.1f} | {float(latency.group(1)):.1f} | {float(latency.group(2)):.1f} | "
      f"{errors.group(1)} | {flows.group(1)} ({flows.group(3)} failed) | {verdict} | {load.split(',')[0]} |")
PY
)
  rows+=("$row")
  reports+=("### $label"$'\n\n'"load average before: $load"$'\n\n```\n'"$(cat "$work/soak.out")"$'\n```')
}

for round in $(seq 1 "$rounds"); do
  suffix=""; [ "$rounds" -gt 1 ] && suffix=", round $round"

  # (a) one instance, SQLite
  port=$(free_port)
  start_server "sqlite-$round" "http://127.0.0.1:$port" --rules "$work/rules"
  measure "(a) 1 instance, SQLite$suffix" --url "http://127.0.0.1:$port" --data "$work/sqlite-$round-data" --pid "${server_pids[0]}"
  stop_servers

  # (b) one instance, PostgreSQL
  db=$(fresh_database "bench_one_$round")
  port=$(free_port)
  start_server "pg-one-$round" "http://127.0.0.1:$port" --database "$db" --import "$work/rules"
  measure "(b) 1 instance, PostgreSQL$suffix" --url "http://127.0.0.1:$port" --database "$db" --pid "${server_pids[0]}"
  stop_servers

  # (c) two instances, one PostgreSQL: the first imports the rules, the second starts once the first is ready
  db=$(fresh_database "bench_two_$round")
  port1=$(free_port)
  start_server "pg-first-$round" "http://127.0.0.1:$port1" --database "$db" --import "$work/rules"
  port2=$(free_port)
  start_server "pg-second-$round" "http://127.0.0.1:$port2" --database "$db"
  measure "(c) 2 instances, one PostgreSQL, $balance$suffix" --url "http://127.0.0.1:$port1,http://127.0.0.1:$port2" \
    --database "$db" --pid "${server_pids[0]}" --balance "$balance"
  stop_servers
done

for log in "$work"/*.log; do
  if grep -qE 'fail:|crit:' "$log"; then echo "--- errors in $(basename "$log") ---"; grep -E -A3 'fail:|crit:' "$log" | head -n 20; fi
done

header="| configuration | flows/s | p50 ms | p99 ms | 5xx | flows | soak checks | load (1 min) before |"
rule="|---|---:|---:|---:|---:|---:|---|---:|"
mkdir -p benchmarks/results
{
  echo "# Scale-out: one and two instances on PostgreSQL"
  echo
  echo "\`benchmarks/scale-out.sh --duration $duration --concurrency $concurrency --balance $balance --rounds $rounds\`, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)," \
       "$(nproc) cores shared by the servers, PostgreSQL $pg_version (durable: fsync and synchronous commit on) and the load client."
  echo "A flow is create link -> follow -> exchange code (three requests); latency is per flow."
  echo
  echo "$header"; echo "$rule"; printf '%s\n' "${rows[@]}"
  echo
  echo "## Load client reports"
  for report in "${reports[@]}"; do echo; echo "$report"; done
} >benchmarks/results/scale-out.md

echo
echo "$header"; echo "$rule"; printf '%s\n' "${rows[@]}"
echo "scale-out: written to benchmarks/results/scale-out.md"
