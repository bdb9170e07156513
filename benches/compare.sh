#!/usr/bin/env bash
# Benchmark cxkpi against DuckDB and polars on synthetic canonical logs, and cross-check that
# the three compute the same KPIs.
#
#   benches/compare.sh [--sizes 1000000,10000000] [--runs 3] [--check-size N] [--big N]
#                      [--big-runs K] [--out FILE]
#
# --big N adds the large case (the ingest issue's 100,000,000 rows, about 13 GB on disk): a
# log of N rows, generated once, on which cxkpi runs K times (--big-runs, default 1) and
# DuckDB's read_csv query once (peak RSS is the point there; nothing else runs at that size).
# When the log of N/10 rows is among --sizes, cxkpi's report on it runs RUNS times just before
# each large run, and the report gives each pair's ratio (against those runs' median): the
# machine's speed drifts by minutes, so the scaling is measured pair by pair rather than
# against the medians taken earlier.
#
# Environment:
#   CXKPI=/path/to/cxkpi   use this binary instead of building a release one
#   GEN=/path/to/gen       use this generator binary instead of `cargo run --release --example gen`
#   CARGO_TARGET_DIR       honoured by the release build (binary: $CARGO_TARGET_DIR/release/cxkpi)
#   PYTHON=python3         interpreter used to create benches/.venv
#
# Steps: (a) venv with duckdb + polars in benches/.venv; (b) logs in benches/data/ (generated
# once, seed 42; a --no-contacts twin of each size for repeat-mode FCR); (c) cargo build
# --release; (d) every command under /usr/bin/time -v, RUNS rounds of each size's commands, one
# run of each a round, each round starting one command later (median wall, max peak RSS);
# (e) cross-check of cxkpi vs DuckDB vs polars JSON rows (1e-9 relative) on the check size
# (1,000,000 when benchmarked, else the smallest size), ticket mode and repeat mode;
# (f) a Markdown report on stdout and in benches/results-latest.md.
#
# Exit status: 0 when every run succeeded and the cross-check agrees, 1 otherwise.

set -euo pipefail
export LC_ALL=C

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
DATA="$BENCH_DIR/data"
VENV="$BENCH_DIR/.venv"

SIZES="1000000,10000000"
RUNS=3
CHECK_SIZE=""
BIG=""
BIG_RUNS=1
OUT="$BENCH_DIR/results-latest.md"

usage() { sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --sizes=*) SIZES="${1#*=}"; shift ;;
        --runs) RUNS="$2"; shift 2 ;;
        --runs=*) RUNS="${1#*=}"; shift ;;
        --check-size) CHECK_SIZE="$2"; shift 2 ;;
        --check-size=*) CHECK_SIZE="${1#*=}"; shift ;;
        --big) BIG="$2"; shift 2 ;;
        --big=*) BIG="${1#*=}"; shift ;;
        --big-runs) BIG_RUNS="$2"; shift 2 ;;
        --big-runs=*) BIG_RUNS="${1#*=}"; shift ;;
        --out) OUT="$2"; shift 2 ;;
        --out=*) OUT="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

IFS=',' read -r -a SIZE_LIST <<< "${SIZES//_/}"
for s in "${SIZE_LIST[@]}"; do
    [[ "$s" =~ ^[0-9]+$ ]] || { echo "compare.sh: bad size: $s" >&2; exit 2; }
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: bad --runs: $RUNS" >&2; exit 2; }
BIG="${BIG//_/}"
[ -z "$BIG" ] || [[ "$BIG" =~ ^[0-9]+$ ]] || { echo "compare.sh: bad --big: $BIG" >&2; exit 2; }
[[ "$BIG_RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: bad --big-runs: $BIG_RUNS" >&2; exit 2; }
if [ -z "$CHECK_SIZE" ]; then
    CHECK_SIZE=$(printf '%s\n' "${SIZE_LIST[@]}" | grep -qx 1000000 && echo 1000000 \
        || printf '%s\n' "${SIZE_LIST[@]}" | sort -n | head -1)
fi

log() { echo "==> $*" >&2; }

# --- /usr/bin/time --------------------------------------------------------------------------
if ! [ -x /usr/bin/time ]; then
    log "installing GNU time"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y time >&2 || { $SUDO apt-get update >&2 && $SUDO apt-get install -y time >&2; }
fi

# --- (a) Python venv ------------------------------------------------------------------------
if ! [ -x "$VENV/bin/python" ]; then
    log "creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
log "pip install duckdb polars"
"$VENV/bin/pip" install --quiet duckdb polars >&2
PY="$VENV/bin/python"

# --- (b) logs -------------------------------------------------------------------------------
mkdir -p "$DATA"
gen() { # ROWS OUT [--no-contacts]
    if [ -n "${GEN:-}" ]; then
        "$GEN" "$1" "$2" --seed 42 ${3:-}
    else
        (cd "$ROOT" && cargo run --quiet --release --example gen -- "$1" "$2" --seed 42 ${3:-})
    fi
}
ALL_SIZES=("${SIZE_LIST[@]}")
printf '%s\n' "${SIZE_LIST[@]}" | grep -qx "$CHECK_SIZE" || ALL_SIZES+=("$CHECK_SIZE")
for n in "${ALL_SIZES[@]}"; do
    for kind in "" "-nocontacts"; do
        f="$DATA/log$n$kind.csv"
        if [ -s "$f" ]; then
            log "have $f"
        else
            log "generating $f"
            gen "$n" "$f.tmp.csv" ${kind:+--no-contacts}
            mv "$f.tmp.csv" "$f"
        fi
    done
done

if [ -n "$BIG" ] && ! [ -s "$DATA/log$BIG.csv" ]; then
    log "generating $DATA/log$BIG.csv"
    gen "$BIG" "$DATA/log$BIG.csv.tmp.csv"
    mv "$DATA/log$BIG.csv.tmp.csv" "$DATA/log$BIG.csv"
fi

# --- (c) cxkpi binary -----------------------------------------------------------------------
if [ -n "${CXKPI:-}" ]; then
    BIN="$CXKPI"
    log "using CXKPI=$BIN (no build)"
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --quiet --release)
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/cxkpi"
fi
[ -x "$BIN" ] || { echo "compare.sh: no cxkpi binary at $BIN" >&2; exit 3; }
BIN_KIND="release"
case "$BIN" in */debug/*) BIN_KIND="DEBUG" ;; esac

# --- (d) timings ----------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cxkpi-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.tsv"   # size  tool  variant  median_wall_s  max_rss_kib  runs  status
: > "$RESULTS"
FAILED=0

wall_seconds() { # parse "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34"
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.3f\n", s }' "$1"
}
max_rss_kib() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

# run_once TIMEFILE OUTFILE CMD... : one timed run; false when the command failed
run_once() {
    local tf="$1" outfile="$2"; shift 2
    if ! /usr/bin/time -v -o "$tf" "$@" > "$outfile" 2> "$WORK/stderr.txt"; then
        sed 's/^/    /' "$WORK/stderr.txt" | tail -5 >&2
        return 1
    fi
}

# result SIZE TOOL VARIANT STATUS RSS_KIB WALL... : one row of $RESULTS (the median wall)
result() {
    local size="$1" tool="$2" variant="$3" status="$4" rss="$5"; shift 5
    local median
    median=$(printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
        if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$variant" "$median" "$rss" \
        "$*" "$status" >> "$RESULTS"
}

# The commands on one log size run in rounds, each command once a round, rather than each
# RUNS times in a row: the machine's speed drifts by minutes, and a command run in a slow
# stretch of its own would be compared with the others' faster ones.
Q_TOOL=(); Q_VARIANT=(); Q_OUT=(); Q_CMD=()
# queue TOOL VARIANT OUTFILE -- CMD...
queue() {
    Q_TOOL+=("$1"); Q_VARIANT+=("$2"); Q_OUT+=("$3"); shift 4
    local IFS=$'\x1f'; Q_CMD+=("$*")
}
# run_queue SIZE : RUNS rounds of the queued commands, then their rows in queue order
run_queue() {
    local size="$1" round i k n=${#Q_CMD[@]} cmd r tf="$WORK/time.txt"
    local -a walls rss status
    for i in "${!Q_CMD[@]}"; do walls[i]=""; rss[i]=0; status[i]="ok"; done
    for ((round = 1; round <= RUNS; round++)); do
        # Each round starts one command later: the command run right after a heavy one
        # (DuckDB, polars, the 100M run) pays for the memory it freed, so no command should
        # always be that one.
        for ((k = 0; k < n; k++)); do
            i=$(( (k + round - 1) % n ))
            log "$size rows, round $round/$RUNS: ${Q_TOOL[i]} ${Q_VARIANT[i]}"
            IFS=$'\x1f' read -r -a cmd <<< "${Q_CMD[i]}"
            run_once "$tf" "${Q_OUT[i]}" "${cmd[@]}" || { status[i]="FAILED"; FAILED=1; }
            walls[i]+=" $(wall_seconds "$tf")"
            r=$(max_rss_kib "$tf")
            [ "$r" -gt "${rss[i]}" ] && rss[i]="$r"
        done
    done
    for i in "${!Q_CMD[@]}"; do
        # shellcheck disable=SC2086  # the walls, one word each
        result "$size" "${Q_TOOL[i]}" "${Q_VARIANT[i]}" "${status[i]}" "${rss[i]}" ${walls[i]}
    done
    Q_TOOL=(); Q_VARIANT=(); Q_OUT=(); Q_CMD=()
}

# bench SIZE TOOL VARIANT OUTFILE -- CMD... : one command on its own, RUNS runs, its row
bench() {
    local size="$1"; shift
    queue "$@"
    run_queue "$size"
}

for n in "${SIZE_LIST[@]}"; do
    f="$DATA/log$n.csv"; fnc="$DATA/log$n-nocontacts.csv"
    # The same log with one bad record in its last line (a CSAT of 9).
    bad="$WORK/log$n-badlast.csv"
    { cat "$f"; echo "ZZ-bad-last,C1,support,chat,a,t,2026-06-01T00:00:00Z,,,,,,,1,false,9,,,"; } > "$bad"
    # Written to disk and read before the runs, as every other log is: otherwise its runs
    # share the disk with the copy's write-back.
    sync "$bad"
    cat "$f" "$fnc" "$bad" > /dev/null   # same page-cache state for every tool
    queue cxkpi "report (ticket FCR)" "$WORK/cxkpi-$n.json" -- \
        "$BIN" report --format json "$f"
    queue duckdb "read_csv, types detected (ticket FCR)" "$WORK/duckdb_detect-$n.json" -- \
        "$PY" "$BENCH_DIR/duckdb_kpis.py" --detect-types "$f"
    queue duckdb "read_csv, types given (ticket FCR)" "$WORK/duckdb-$n.json" -- \
        "$PY" "$BENCH_DIR/duckdb_kpis.py" "$f"
    queue cxkpi "general path (CXKPI_GENERAL_PATH_ONLY=1)" "$WORK/cxkpi-general-$n.json" -- \
        env CXKPI_GENERAL_PATH_ONLY=1 "$BIN" report --format json "$f"
    queue polars "same query (ticket FCR)" "$WORK/polars-$n.json" -- \
        "$PY" "$BENCH_DIR/polars_kpis.py" "$f"
    queue cxkpi "--by agent,channel" "$WORK/cxkpi-by-$n.json" -- \
        "$BIN" report --format json --by agent,channel "$f"
    queue cxkpi "--on-invalid skip" "$WORK/cxkpi-skip-$n.json" -- \
        "$BIN" report --format json --on-invalid skip "$f"
    queue cxkpi "--on-invalid skip, bad last line" "$WORK/cxkpi-badlast-$n.json" -- \
        "$BIN" report --format json --on-invalid skip "$bad"
    queue cxkpi "--schedule (business hours)" "$WORK/cxkpi-bh-$n.json" -- \
        "$BIN" report --format json --schedule "$BENCH_DIR/hours.toml" "$f"
    queue cxkpi "repeat FCR (--no-contacts log)" "$WORK/cxkpi-nc-$n.json" -- \
        "$BIN" report --format json "$fnc"
    queue duckdb "repeat FCR (--no-contacts log)" "$WORK/duckdb-nc-$n.json" -- \
        "$PY" "$BENCH_DIR/duckdb_kpis.py" "$fnc"
    queue polars "repeat FCR (--no-contacts log)" "$WORK/polars-nc-$n.json" -- \
        "$PY" "$BENCH_DIR/polars_kpis.py" "$fnc"
    run_queue "$n"
    rm -f "$bad"
done

if [ -n "$BIG" ]; then
    f="$DATA/log$BIG.csv"
    KEEP_RUNS="$RUNS"; RUNS=1
    small=$((BIG / 10))
    printf '%s\n' "${SIZE_LIST[@]}" | grep -qx "$small" || small=""
    cat "$f" > /dev/null
    for ((k = 1; k <= BIG_RUNS; k++)); do
        if [ -n "$small" ]; then
            # Its median of RUNS runs: one run of a few seconds drifts as much as the ratio's
            # margin.
            RUNS="$KEEP_RUNS"
            bench "$small" cxkpi "report, just before $BIG-row run $k" "$WORK/cxkpi-pair-$small.json" -- \
                "$BIN" report --format json "$DATA/log$small.csv"
            RUNS=1
        fi
        bench "$BIG" cxkpi "report (ticket FCR), run $k" "$WORK/cxkpi-$BIG.json" -- \
            "$BIN" report --format json "$f"
    done
    bench "$BIG" duckdb "read_csv, types detected (ticket FCR)" "$WORK/duckdb_detect-$BIG.json" -- \
        "$PY" "$BENCH_DIR/duckdb_kpis.py" --detect-types "$f"
    RUNS="$KEEP_RUNS"
fi

# --- (e) cross-check ------------------------------------------------------------------------
n="$CHECK_SIZE"
CHECK_TXT="$WORK/check.txt"
CHECK_OK=1
for kind in "" "-nc"; do
    src="$DATA/log$n.csv"
    [ -n "$kind" ] && src="$DATA/log$n-nocontacts.csv"
    for tool in cxkpi duckdb polars; do
        j="$WORK/$tool$kind-$n.json"
        if ! [ -s "$j" ]; then   # the check size was not benchmarked: run it once
            case "$tool" in
                cxkpi) "$BIN" report --format json "$src" > "$j" ;;
                *) "$PY" "$BENCH_DIR/${tool}_kpis.py" "$src" > "$j" ;;
            esac
        fi
    done
    detect=""
    if [ -z "$kind" ]; then
        j="$WORK/duckdb_detect-$n.json"
        [ -s "$j" ] || "$PY" "$BENCH_DIR/duckdb_kpis.py" --detect-types "$src" > "$j"
        detect="duckdb_detect=$j"
    fi
    mode="ticket-mode FCR"; [ -n "$kind" ] && mode="repeat-mode FCR"
    echo "$(basename "$src") ($mode):" >> "$CHECK_TXT"
    if ! "$PY" "$BENCH_DIR/compare_json.py" --rtol 1e-9 cxkpi="$WORK/cxkpi$kind-$n.json" \
        duckdb="$WORK/duckdb$kind-$n.json" polars="$WORK/polars$kind-$n.json" $detect >> "$CHECK_TXT"; then
        CHECK_OK=0
    fi
done
sed 's/^/    /' "$CHECK_TXT" >&2

# --- (f) report -----------------------------------------------------------------------------
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
duckdb_v=$("$PY" -c 'import duckdb; print(duckdb.__version__)')
polars_v=$("$PY" -c 'import polars; print(polars.__version__)')
python_v=$("$PY" -c 'import sys; print(sys.version.split()[0])')
cxkpi_v=$("$BIN" --version 2>/dev/null || echo "?")
rustc_v=$(rustc --version 2>/dev/null || echo "?")

{
    echo "# cxkpi benchmark: cxkpi vs DuckDB vs polars"
    echo
    echo "Generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by \`benches/compare.sh --sizes $SIZES --runs $RUNS${BIG:+ --big $BIG}\`."
    if [ "$BIN_KIND" = "DEBUG" ]; then
        echo
        echo "> **DEBUG binary ($BIN): these timings are for validating the harness only, not for the record.**"
    fi
    echo
    echo "## Machine"
    echo
    echo "- CPU: ${cpu_model:-unknown}; \`nproc\` = $(nproc)"
    echo "- Memory (\`free -h\`):"
    echo
    echo '```'
    free -h
    echo '```'
    echo
    echo "- Kernel: $(uname -sr)"
    echo "- cxkpi: $cxkpi_v ($BIN_KIND build, \`$BIN\`), $rustc_v"
    echo "- DuckDB $duckdb_v, polars $polars_v (Python $python_v)"
    echo
    echo "## Timings"
    echo
    echo "Logs: \`cargo run --release --example gen -- ROWS benches/data/logROWS.csv --seed 42\`"
    echo "(the repeat-FCR rows use the same generator with \`--no-contacts\`). Each command ran"
    echo "$RUNS time(s) under \`/usr/bin/time -v\`, in $RUNS rounds of every command on the log (one"
    echo "run each a round, each round starting one command later, so that the machine's drift"
    echo "falls on all alike); wall = median, RSS = max peak resident set."
    echo "The DuckDB and polars figures include Python start-up and the import of the library."
    echo
    echo "| rows | tool | variant | wall (s, median) | peak RSS (MiB, max) | runs (s) | status |"
    echo "|---:|---|---|---:|---:|---|---|"
    awk -F'\t' '{ printf "| %\047d | %s | %s | %.2f | %.0f | %s | %s |\n", $1, $2, $3, $4, $5 / 1024, $6, $7 }' "$RESULTS"
    echo
    if [ -n "$BIG" ]; then
        echo "## Scaling ($(printf "%'d" "$BIG") rows against $(printf "%'d" $((BIG / 10))), run by run)"
        echo
        awk -F'\t' -v big="$BIG" -v small=$((BIG / 10)) '
            $1 == small && $3 ~ /^report, just before/ { before = $4 }
            $1 == big && $2 == "cxkpi" && before != "" {
                n++; printf "- run %d: %.2f s against %.2f s just before (median): %.2f×\n", n, $4, before, $4 / before
                before = "" }
            END { if (!n) print "- (the log of a tenth of the rows was not among --sizes: no pairs)" }' "$RESULTS"
        echo
    fi
    echo "## Cross-check (log of $(printf "%'d" "$CHECK_SIZE") rows, every metric to 1e-9 relative)"
    echo
    echo '```'
    cat "$CHECK_TXT"
    echo '```'
} | tee "$OUT"
log "wrote $OUT"

if [ "$FAILED" -ne 0 ] || [ "$CHECK_OK" -ne 1 ]; then
    exit 1
fi
