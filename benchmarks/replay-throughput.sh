#!/usr/bin/env bash
# Replay throughput and peak memory of `rules replay` (Release build):
#   1. the committed sample log (Rules.Samples/logs/recorded-logins.jsonl, 10,000 records), candidate rules;
#   2. a 1,000,000-record log made on the fly by repeating the sample log (ids made unique) into a temp
#      file that is deleted afterwards.
# Usage: benchmarks/replay-throughput.sh [RECORDS_FOR_BIG_LOG] [THREADS]
# Prints records/s (from the json report) and peak RSS (from /usr/bin/time -v) for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIG=${1:-1000000}
THREADS=${2:-0}
dotnet build -c Release Rules.Host -v q -nologo >/dev/null
RULES=Rules.Host/bin/Release/net10.0/rules
SAMPLE=Rules.Samples/logs/recorded-logins.jsonl

measure() {
  local label=$1 log=$2 out
  out=$(mktemp)
  /usr/bin/time -v "$RULES" replay --rules Rules.Samples/candidate-rules --log "$log" --format json --threads "$THREADS" \
    >"$out.json" 2>"$out.time" || true
  python3 - "$label" "$out.json" "$out.time" <<'PY'
import json, re, sys
label, report, timing = sys.argv[1:]
r = json.load(open(report))
t = open(timing).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
wall = re.search(r"Elapsed \(wall clock\) time.*: (.+)", t).group(1)
print(f"{label}: {r['evaluated']:,} records, {r['changed']:,} changed, {r['recordsPerSecond']:,.0f} records/s "
      f"(replay loop), wall {wall}, peak RSS {rss/1024:.0f} MiB")
PY
  rm -f "$out" "$out.json" "$out.time"
}

measure "sample log" "$SAMPLE"

BIGLOG=$(mktemp --suffix=.jsonl)
trap 'rm -f "$BIGLOG"' EXIT
python3 - "$SAMPLE" "$BIGLOG" "$BIG" <<'PY'
import sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, encoding="utf-8").read().splitlines()
with open(dst, "w", encoding="utf-8") as out:
    for i in range(n):
        line = lines[i % len(lines)]
        # A unique id per copy, so each record gets its own Math.random seed as in a real log.
        out.write(line.replace('"id":"', f'"id":"{i // len(lines)}-', 1) + "\n")
PY
measure "$(printf "%'d" "$BIG")-record log" "$BIGLOG"
