#!/usr/bin/env bash
# Web benchmark: record reads, record pages and searches per second against `rightsdoc serve`
# on loopback, under wrk, with latency percentiles and the server's peak memory.
#
#   bench/web/run.sh ARCHIVE [SECONDS] [CONNECTIONS]
#
# ARCHIVE is an archive folder, e.g. the 1M-person one `import-bench 1000000 DIR` leaves in
# DIR/archive. Needs wrk (apt-get install wrk), python3 and a release build of rightsdoc
# (cargo build --release -p rightsdoc-cli). Results go to bench/RESULTS.md by hand.
set -euo pipefail
archive=${1:?usage: run.sh ARCHIVE [SECONDS] [CONNECTIONS]}
seconds=${2:-20}
connections=${3:-32}
here=$(cd "$(dirname "$0")" && pwd)
target=${CARGO_TARGET_DIR:-$here/../../target}
bin=$target/release/rightsdoc
port=${PORT:-8099}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

# 10,000 random public people to read (drawn from the database, as a client would know ids).
python3 - "$archive/archive.db" > "$work/ids" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
(n,) = db.execute("SELECT count(*) FROM records WHERE kind = 'person'").fetchone()
random.seed(1988)
rows = db.execute("SELECT id FROM records WHERE kind = 'person' AND classification = 'public' LIMIT 200000").fetchall()
for (i,) in random.sample(rows, min(10000, len(rows))):
    print(i)
PY
# Queries like the search benchmark's: names in both scripts, other spellings, surnames.
cat > "$work/queries" <<'Q'
Mohammad Rezaei
Muhammad Rezaie
محمد رضایی
Hosseini
حسینی
Ali Ahmadi
Zahra
Karimi
Mahmoud Jafari
Fatemeh Mousavi
Rezaee
Tabriz
Gholamreza
Alireza
Kazemi
Q

"$bin" --archive "$archive" serve --addr "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/openapi.json" && break
  sleep 0.1
done
# Another server on the port would answer instead of ours and make every number wrong.
kill -0 "$server" 2>/dev/null || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }

cat > "$work/reads.lua" <<LUA
local ids = {}
for line in io.lines("$work/ids") do ids[#ids + 1] = line end
local prefix = os.getenv("PREFIX")
math.randomseed(1988)
request = function()
  return wrk.format("GET", prefix .. ids[math.random(#ids)])
end
LUA
cat > "$work/search.lua" <<LUA
local qs = {}
for line in io.lines("$work/queries") do
  qs[#qs + 1] = line:gsub("([^%w])", function(c) return string.format("%%%02X", string.byte(c)) end)
end
math.randomseed(1988)
request = function()
  return wrk.format("GET", "/api/v1/search?q=" .. qs[math.random(#qs)])
end
LUA

run() {
  echo "== $1"
  PREFIX=$2 wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$3" "http://127.0.0.1:$port" \
    | grep -E "Requests/sec|Latency|50%|90%|99%|Non-2xx|requests in"
}
echo "archive: $archive ($(du -sh "$archive" | cut -f1)); $connections connections, ${seconds}s each"
# A first pass warms the readers' page caches: without it a page's first reads of the log
# and the reference table land in the percentiles (p99 ~0.8 s for ~1% of requests).
for script in reads search; do
  PREFIX=/people/ wrk -t2 -c"$connections" -d5s -s "$work/$script.lua" "http://127.0.0.1:$port" > /dev/null
done
run "API record reads (GET /api/v1/records/ID)" "/api/v1/records/" "$work/reads.lua"
run "record pages (GET /people/ID)" "/people/" "$work/reads.lua"
run "searches (GET /api/v1/search?q=…)" "" "$work/search.lua"
echo "server peak RSS: $(grep VmHWM /proc/$server/status | awk '{print $2/1024 " MiB"}')"
