#!/usr/bin/env bash
# bench/run.sh: Qasid's server benchmark. It builds the binary, makes a
# corpus of N stories from ../shared/corpus (bench/corpusgen), imports and
# indexes it, serves it, and measures with wrk (2 threads, 64 connections,
# 15 s after a 3 s warm-up) the story page (and nginx serving the same page
# as a static file, in the same run), the home, section, search, RSS and
# wire API; cold page renders; import, reindex, related-list and bake rates next to Hugo
# building the same stories; peak memory and data folder size. It writes
# the results between the markers in BENCHMARKS.md.
#
#   bench/run.sh [N]            # N defaults to 100000
#
# Needs root for apt-get the first time (wrk, nginx, hugo). Nothing here is
# an assertion: it measures and reports.
set -eu # not pipefail: `… | head -1` ends its writers with SIGPIPE by design

N=${1:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${QASID_CORPUS:-$ROOT/../shared/corpus}
W=${QASID_BENCH_DIR:-/tmp/qasid-bench}
PORT=18080
NGINX_PORT=18081
DURATION=${QASID_BENCH_DURATION:-15s}

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

need() {
	local missing=()
	for pkg in "$@"; do
		command -v "${pkg%%:*}" >/dev/null 2>&1 || missing+=("${pkg#*:}")
	done
	if ((${#missing[@]})); then
		log "installing ${missing[*]}"
		apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
	fi
}
need wrk:wrk nginx:nginx hugo:hugo curl:curl bc:bc /usr/bin/time:time

[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS" >&2; exit 1; }
rm -rf "$W" && mkdir -p "$W"
cd "$ROOT"

log "building qasid"
go build -o "$W/qasid" ./cmd/qasid
Q="$W/qasid"
DATA="$W/data"

log "making a corpus of $N stories"
go run ./bench/corpusgen -corpus "$CORPUS" -n "$N" >"$W/corpus.jsonl"

rate() { echo "$1 / $2" | bc -l | xargs printf '%.0f'; }

# The import stores and indexes in one pass (the index written on the
# other core as batches are stored); the reindex then rebuilds the index
# from the store alone. Each is timed by /usr/bin/time: wall seconds, CPU
# seconds (user + system) and peak memory.
cputime() { # cputime NAME: prints "wall cpu peak_MB" from $W/NAME.time
	awk '{printf "%.2f %.1f %.0f\n", $1, $2 + $3, $4 / 1024}' "$W/$1.time"
}
"$Q" migrate --data "$DATA" >/dev/null
log "importing and indexing"
/usr/bin/time -f '%e %U %S %M' -o "$W/import.time" "$Q" import --publish --data "$DATA" "$W/corpus.jsonl" >"$W/import.out" 2>"$W/import.err"
read -r IMPORT_S IMPORT_CPU IMPORT_MB <<<"$(cputime import)"
IMPORTED=$(grep -Eo 'imported[^0-9]*[0-9]+' "$W/import.out" | grep -Eo '[0-9]+' | head -1 || echo "$N")
log "imported and indexed $IMPORTED in ${IMPORT_S}s (${IMPORT_CPU}s CPU)"
log "reindexing"
/usr/bin/time -f '%e %U %S %M' -o "$W/reindex.time" "$Q" reindex --data "$DATA" >"$W/reindex.out" 2>&1
read -r REINDEX_S REINDEX_CPU REINDEX_MB <<<"$(cputime reindex)"
log "reindexed in ${REINDEX_S}s (${REINDEX_CPU}s CPU)"
log "working out related lists"
/usr/bin/time -f '%e %U %S %M' -o "$W/related.time" "$Q" related --data "$DATA" >"$W/related.out" 2>&1
read -r RELATED_S RELATED_CPU RELATED_MB <<<"$(cputime related)"
log "related lists in ${RELATED_S}s (${RELATED_CPU}s CPU)"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
KEY=$("$Q" subscriber add --data "$DATA" --name "Bench Daily" | sed -n 's/^API key[^:]*: //p')

log "serving"
"$Q" serve --data "$DATA" --addr "127.0.0.1:$PORT" --log-level warn >"$W/serve.log" 2>&1 &
QPID=$!
trap 'kill $QPID 2>/dev/null || true; [ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
	curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
	sleep 1
done
B="http://127.0.0.1:$PORT"

STORY=$(curl -fsS "$B/sitemaps/en.xml" | grep -Eo '<loc>[^<]+</loc>' | head -1 | sed -E 's#</?loc>##g; s#^https?://[^/]+##')
SECTION=$(printf '%s' "$STORY" | cut -d/ -f3)
WORD=$(curl -fsS "$B$STORY" | grep -Eo '<h1[^>]*>[^<]+' | sed -E 's/<[^>]+>//' | tr -cs 'A-Za-z' '\n' | awk 'length > 5' | head -1)
WORD=${WORD:-government}

# nginx serving the same story page as a static file.
mkdir -p "$W/static"
curl -fsS "$B$STORY" >"$W/static/story.html"
cat >"$W/nginx.conf" <<EOF
worker_processes auto;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	default_type text/html;
	sendfile on;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $W/static;
		location / { try_files \$uri =404; }
	}
}
EOF
nginx -c "$W/nginx.conf"

# bench NAME URL [HEADER]: warm up, then measure; prints "rps p50 p99".
bench() {
	local url=$2 hdr=${3:-}
	local args=(-t2 -c64 --latency)
	[ -n "$hdr" ] && args+=(-H "$hdr")
	wrk "${args[@]}" -d3s "$url" >/dev/null 2>&1 || true
	wrk "${args[@]}" -d"$DURATION" "$url" >"$W/wrk-$1.txt" 2>&1
	local rps p50 p99
	rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$W/wrk-$1.txt")
	p50=$(awk '$1 == "50%" {print $2}' "$W/wrk-$1.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$W/wrk-$1.txt")
	echo "$rps $p50 $p99"
}

log "wrk: story, nginx, home, section, search, rss, wire"
read -r NG_RPS NG_P50 NG_P99 <<<"$(bench nginx "http://127.0.0.1:$NGINX_PORT/story.html")"
read -r ST_RPS ST_P50 ST_P99 <<<"$(bench story "$B$STORY")"
read -r HO_RPS HO_P50 HO_P99 <<<"$(bench home "$B/en/")"
read -r SE_RPS SE_P50 SE_P99 <<<"$(bench section "$B/en/$SECTION/")"
read -r SR_RPS SR_P50 SR_P99 <<<"$(bench search "$B/en/search?q=$WORD")"
read -r RS_RPS RS_P50 RS_P99 <<<"$(bench rss "$B/feeds/en.rss")"
read -r WI_RPS WI_P50 WI_P99 <<<"$(bench wire "$B/wire/v1/items?limit=20" "Authorization: Bearer $KEY")"

# Search latency over many different queries (not one cached answer):
# words of the corpus, one request each.
log "search latency over varied queries"
curl -fsS "$B$STORY" | sed -E 's/<[^>]+>/ /g' | tr -cs 'A-Za-z' '\n' | awk 'length > 4' | sort -u | head -300 >"$W/words.txt"
: >"$W/search-times.txt"
while read -r w; do
	curl -o /dev/null -fsS -w '%{time_total}\n' "$B/en/search?q=$w" >>"$W/search-times.txt" || true
done <"$W/words.txt"
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR-1)*p/100)+1]*1000}'; }
SEARCH_P50=$(pct "$W/search-times.txt" 50)
SEARCH_P95=$(pct "$W/search-times.txt" 95)

# Cold renders: story pages never asked for before, once each.
log "cold renders"
curl -fsS "$B/sitemaps/ur.xml" | grep -Eo '<loc>[^<]+</loc>' | sed -E 's#</?loc>##g; s#^https?://[^/]+##' | head -500 >"$W/cold.txt"
: >"$W/cold-times.txt"
while read -r p; do
	curl -o /dev/null -fsS -w '%{time_starttransfer}\n' "$B$p" >>"$W/cold-times.txt" || true
done <"$W/cold.txt"
COLD_P50=$(pct "$W/cold-times.txt" 50)
COLD_P95=$(pct "$W/cold-times.txt" 95)

# Resident memory in two parts: the process's own (heap, stacks) and the
# index files it maps, which the kernel may drop and read again.
RSS_PEAK=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$QPID/status")
RSS_NOW=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$QPID/status")
RSS_ANON=$(awk '/RssAnon/ {printf "%.0f", $2/1024}' "/proc/$QPID/status")
RSS_FILE=$(awk '/RssFile/ {printf "%.0f", $2/1024}' "/proc/$QPID/status")
kill $QPID && wait $QPID 2>/dev/null || true
DATA_SIZE=$(du -sh "$DATA" | cut -f1)

# The bake and Hugo one after the other, each timed by /usr/bin/time: wall
# seconds, CPU seconds (user + system, which depend less on what else the
# machine runs) and peak memory.
timed() { # timed NAME CMD...: prints "wall cpu peak_MB", or "failed"
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$W/$name.time" "$@" >"$W/$name.out" 2>&1 || { echo failed; return; }
	awk '{printf "%.1f %.1f %.0f\n", $1, $2 + $3, $4 / 1024}' "$W/$name.time"
}
log "bake"
read -r BAKE_S BAKE_CPU BAKE_MB <<<"$(timed bake "$Q" bake --data "$DATA" "$W/baked")"
BAKED=$(find "$W/baked" -type f 2>/dev/null | wc -l)
log "hugo"
go run ./bench/hugogen -in "$W/corpus.jsonl" -out "$W/hugo-site" 2>/dev/null
read -r HUGO_S HUGO_CPU HUGO_MB <<<"$(timed hugo hugo --quiet -s "$W/hugo-site" -d "$W/hugo-out")"
HUGO_FILES=$(find "$W/hugo-out" -type f 2>/dev/null | wc -l)

MACHINE="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(go version | cut -d' ' -f3), $(uname -sr)"
RESULTS=$(cat <<EOF
Run on $(date -u +%F) by \`bench/run.sh $N\`: $MACHINE. wrk and qasid share the cores.
Corpus: $N stories ($IMPORTED imported) made by bench/corpusgen from ../shared/corpus, spread over the seven languages.

| measure | result |
|---|---|
| import with indexing (\`qasid import --publish\`: stored and searchable in one pass) | ${IMPORT_S} s, $(rate "$IMPORTED" "$IMPORT_S") stories/s; ${IMPORT_CPU} s CPU ($(echo "scale=2; $IMPORT_CPU * 1000 / $IMPORTED" | bc -l) ms a story), peak ${IMPORT_MB} MB |
| reindex (\`qasid reindex\`: the index rebuilt from the store) | ${REINDEX_S} s, $(rate "$IMPORTED" "$REINDEX_S") stories/s; ${REINDEX_CPU} s CPU, peak ${REINDEX_MB} MB (load average after both: $LOAD) |
| related lists (\`qasid related\`: every story's list worked out, on both cores) | ${RELATED_S} s, $(rate "$IMPORTED" "$RELATED_S") stories/s; ${RELATED_CPU} s CPU ($(echo "scale=2; $RELATED_CPU * 1000 / $IMPORTED" | bc -l) ms a story), peak ${RELATED_MB} MB |
| story page \`$STORY\` | $ST_RPS req/s, p50 $ST_P50, p99 $ST_P99 |
| the same page from nginx (static file) | $NG_RPS req/s, p50 $NG_P50, p99 $NG_P99 |
| story page / nginx | $(echo "scale=2; $ST_RPS / $NG_RPS" | bc -l) |
| home \`/en/\` | $HO_RPS req/s, p50 $HO_P50, p99 $HO_P99 ($(echo "scale=2; $HO_RPS / $NG_RPS" | bc -l) of nginx) |
| section \`/en/$SECTION/\` | $SE_RPS req/s, p50 $SE_P50, p99 $SE_P99 ($(echo "scale=2; $SE_RPS / $NG_RPS" | bc -l) of nginx) |
| search, one query repeated (\`q=$WORD\`) | $SR_RPS req/s, p50 $SR_P50, p99 $SR_P99 |
| search, 300 different words one at a time | p50 ${SEARCH_P50} ms, p95 ${SEARCH_P95} ms (curl, sequential) |
| RSS \`/feeds/en.rss\` | $RS_RPS req/s, p50 $RS_P50, p99 $RS_P99 |
| wire API \`/wire/v1/items?limit=20\` | $WI_RPS req/s, p50 $WI_P50, p99 $WI_P99 |
| cold story pages (500 Urdu pages never asked for, time to first byte) | p50 ${COLD_P50} ms, p95 ${COLD_P95} ms |
| resident memory of \`qasid serve\` | peak $RSS_PEAK MB; at the end $RSS_NOW MB, of which $RSS_ANON MB its own and $RSS_FILE MB mapped files (search index, database) |
| data folder | $DATA_SIZE |
| \`qasid bake\` | ${BAKE_S} s wall, ${BAKE_CPU:-?} s CPU, peak ${BAKE_MB:-?} MB, for $BAKED files |
| \`hugo\` ($(hugo version 2>/dev/null | cut -d' ' -f2)) building the same stories, minimal layout | ${HUGO_S} s wall, ${HUGO_CPU:-?} s CPU, peak ${HUGO_MB:-?} MB, for $HUGO_FILES files |
| bake / hugo | $( [ "$BAKE_S" != failed ] && [ "$HUGO_S" != failed ] && echo "scale=2; $BAKE_S / $HUGO_S" | bc -l) wall, $( [ "$BAKE_S" != failed ] && [ "$HUGO_S" != failed ] && echo "scale=2; $BAKE_CPU / $HUGO_CPU" | bc -l) CPU (≤ 1: not slower) |
EOF
)
echo "$RESULTS"

# Replace the section between the markers in BENCHMARKS.md.
BM="$ROOT/BENCHMARKS.md"
[ -f "$BM" ] || printf '# Benchmarks\n' >"$BM"
if ! grep -q '<!-- bench/run.sh begin -->' "$BM"; then
	printf '\n## Server (bench/run.sh)\n\n<!-- bench/run.sh begin -->\n<!-- bench/run.sh end -->\n' >>"$BM"
fi
awk -v r="$RESULTS" '
	/<!-- bench\/run.sh begin -->/ {print; print r; skip=1; next}
	/<!-- bench\/run.sh end -->/ {skip=0}
	!skip {print}
' "$BM" >"$BM.tmp" && mv "$BM.tmp" "$BM"
log "results written to BENCHMARKS.md"
