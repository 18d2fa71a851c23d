#!/usr/bin/env bash
# Times `jiuzhu check` against a bare csv-crate pass and against the program a data office
# would write instead, over the same generated rosters.
#
# Usage: bench/run.sh [--big]
#
# Builds the release binaries and first checks that the peer agrees with check: on a roster of
# 20,000 households (bench/out/agree-20k.csv) `jiuzhu-peer --agree` compares the peer's
# decision and monthly_total with check's for every row both decide, and prints the number
# that differ (any difference fails the script). Then it generates bench/out/roster-1m.csv
# (1,000,000 households; with --big also roster-5m.csv, 5,000,000) and, for each size, times:
#   gen     jiuzhu-gen writing the roster
#   bare    jiuzhu-bare: csv-crate read and write of every row, the floor for check
#   peer    jiuzhu-peer: one thread, serde + rust_decimal, the Lanzhou 2022 rules hard-coded,
#           writing household_id, decision, per_capita_income, monthly_total
#   check   jiuzhu check -p policies/lanzhou-2022.toml ... --month 2022-12 --format csv
#   check1  the same with RAYON_NUM_THREADS=1 (one worker; the reader thread still runs)
#   check1 cols / check cols  check --columns household_id,decision,per_capita_income,
#           monthly_total (the peer's four columns) with -j 1, and on every core
#   core1   the same pinned to one core with taskset (the whole process on one core)
#   audit   jiuzhu audit -p policies/lanzhou-2022.toml ... --month 2022-12 --format csv
# then prints a table: command, rows, seconds, rows/s, MB/s (roster size / seconds; for gen,
# bytes written), peak RSS, and the load average when the run started (the machine may be
# shared: compare rows of the same run). A command that fails is marked in the table, the end of its log is
# shown, and the rest go on; the script then exits 1. Logs and outputs stay in bench/out/
# (git-ignored). Rosters are read warm, from the page cache.
#
# Peak RSS comes from GNU time (GNU_TIME, default /usr/bin/time; `apt-get install -y time`
# provides it). Without it the script samples VmHWM from /proc every 20 ms: marked `~`, it can
# miss a peak in the last moments of a run.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

big=0
for arg in "$@"; do
  case $arg in
    --big) big=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "run.sh: unexpected argument '$arg'" >&2
      usage >&2
      exit 2
      ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=bench/out
bin=${CARGO_TARGET_DIR:-target}/release
policy=policies/lanzhou-2022.toml
month=2022-12
seed=1
gnu_time=${GNU_TIME:-/usr/bin/time}
mkdir -p "$out"

echo "== cargo build --release --workspace --bins" >&2
if ! cargo build --release --workspace --bins; then
  echo "run.sh: the release build failed; nothing was timed" >&2
  exit 1
fi

time_version=$("$gnu_time" --version 2>&1 || true)
if [[ $time_version == *GNU* ]]; then
  rss_source=gnu
else
  rss_source=proc
  echo "run.sh: GNU time not found at $gnu_time; sampling VmHWM from /proc instead" \
    "(approximate; install it with: apt-get install -y time)" >&2
fi

now() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then
    echo "${EPOCHREALTIME/,/.}"
  else
    date +%s.%N
  fi
}

# timed LOG COMMAND...: runs COMMAND with its output in LOG; sets rc, seconds and rss_kb.
timed() {
  local log=$1 start end
  shift
  rss_kb=
  load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo -)
  start=$(now)
  if [[ $rss_source == gnu ]]; then
    if "$gnu_time" -f '%e s %M KB' -o "$log.time" "$@" >"$log" 2>&1; then rc=0; else rc=$?; fi
    end=$(now)
    rss_kb=$(awk '/ KB$/ { kb = $(NF - 1) } END { print kb }' "$log.time")
  else
    "$@" >"$log" 2>&1 &
    local pid=$! peak=0 hwm
    while kill -0 "$pid" 2>/dev/null; do
      hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      if [[ -n $hwm ]] && ((hwm > peak)); then peak=$hwm; fi
      sleep 0.02
    done
    if wait "$pid"; then rc=0; else rc=$?; fi
    end=$(now)
    rss_kb="~$peak"
  fi
  seconds=$(LC_ALL=C awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
}

rows_table=()
failures=()

# record NAME ROWS BYTES LOG: adds a table row from the last `timed` run.
record() {
  local name=$1 rows=$2 bytes=$3 log=$4 status rate mbps rss
  if ((rc == 0)); then
    status=ok
  elif [[ $name == check* || $name == core1* ]] && ((rc == 1)); then
    status="ok (exit 1: some rows invalid or undetermined)"
  elif [[ $name == audit* ]] && ((rc == 1)); then
    status="ok (exit 1: findings)"
  else
    status="FAILED (exit $rc)"
    failures+=("$name|$log")
  fi
  if [[ $status == ok* ]]; then
    rate=$(LC_ALL=C awk -v r="$rows" -v s="$seconds" 'BEGIN { printf("%.0f", (s > 0 ? r / s : 0)) }')
    mbps=$(LC_ALL=C awk -v b="$bytes" -v s="$seconds" \
      'BEGIN { printf("%.1f", (s > 0 ? b / 1e6 / s : 0)) }')
  else
    rate=- mbps=-
  fi
  rss=$(LC_ALL=C awk -v kb="${rss_kb#\~}" -v approx="${rss_kb%%[0-9]*}" \
    'BEGIN { if (kb == "") print "-"; else printf "%s%.1f", approx, kb * 1024 / 1e6 }')
  rows_table+=("$name|$rows|$seconds|$rate|$mbps|$rss|$load|$status")
}

# data_rows FILE: the number of lines after the header.
data_rows() { echo $(($(wc -l <"$1") - 1)); }

# print_table: '|'-separated lines on stdin as aligned columns, numbers right-aligned.
print_table() {
  awk -F'|' '
    {
      for (i = 1; i <= NF; i++) {
        cell[NR, i] = $i
        if (length($i) > width[i]) width[i] = length($i)
      }
      if (NF > columns) columns = NF
    }
    END {
      for (r = 1; r <= NR; r++) {
        line = ""
        for (i = 1; i <= columns; i++) {
          align = (i == 1 || i == columns) ? "-" : ""
          line = line (i < columns ? sprintf("%" align width[i] "s  ", cell[r, i]) : cell[r, i])
        }
        print line
      }
    }'
}

echo "== agreement: jiuzhu-peer against jiuzhu check on 20,000 households" >&2
agree_roster=$out/agree-20k.csv
agreement="not run"
if "$bin/jiuzhu-gen" --rows 20000 --seed "$seed" -o "$agree_roster" &&
  { "$bin/jiuzhu" check -p "$policy" "$agree_roster" --month "$month" --format csv \
    -o "$out/agree-check.csv" >"$out/agree-check.log" 2>&1 || (($? == 1)); }; then
  if agreement=$("$bin/jiuzhu-peer" "$agree_roster" --agree "$out/agree-check.csv" \
    2>"$out/agree.log"); then
    rc=0
  else
    rc=$?
  fi
  echo "$agreement" >>"$out/agree.log"
  if ((rc != 0)); then failures+=("agreement|$out/agree.log"); fi
else
  failures+=("agreement|$out/agree-check.log")
fi

sizes=(1m)
if ((big)); then sizes+=(5m); fi

for size in "${sizes[@]}"; do
  case $size in
    1m) rows=1000000 ;;
    5m) rows=5000000 ;;
  esac
  roster=$out/roster-$size.csv

  echo "== $size: generating $roster" >&2
  rm -f "$roster"
  timed "$out/gen-$size.log" "$bin/jiuzhu-gen" --rows "$rows" --seed "$seed" -o "$roster"
  if ((rc != 0)) || [[ ! -s $roster ]]; then
    record "gen $size" "$rows" 0 "$out/gen-$size.log"
    echo "run.sh: could not generate $roster; skipping $size" >&2
    continue
  fi
  bytes=$(wc -c <"$roster")
  record "gen $size" "$rows" "$bytes" "$out/gen-$size.log"
  # Start every timed read with the roster on disk, not half of it still in dirty pages.
  sync

  rm -f "$out/check1-cols-$size.csv" "$out/check-cols-$size.csv"
  rm -f "$out/bare-$size.csv" "$out/peer-$size.csv" "$out/check-$size.csv" \
    "$out/check1-$size.csv" "$out/core1-$size.csv" "$out/audit-$size.csv"

  echo "== $size: bare csv pass" >&2
  timed "$out/bare-$size.log" "$bin/jiuzhu-bare" "$roster" -o "$out/bare-$size.csv"
  record "bare $size" "$rows" "$bytes" "$out/bare-$size.log"

  echo "== $size: peer (serde + rust_decimal, one thread)" >&2
  timed "$out/peer-$size.log" "$bin/jiuzhu-peer" "$roster" -o "$out/peer-$size.csv"
  record "peer $size" "$rows" "$bytes" "$out/peer-$size.log"

  echo "== $size: jiuzhu check" >&2
  timed "$out/check-$size.log" "$bin/jiuzhu" check -p "$policy" "$roster" \
    --month "$month" --format csv -o "$out/check-$size.csv"
  record "check $size" "$rows" "$bytes" "$out/check-$size.log"

  echo "== $size: jiuzhu check, RAYON_NUM_THREADS=1" >&2
  timed "$out/check1-$size.log" env RAYON_NUM_THREADS=1 "$bin/jiuzhu" check -p "$policy" \
    "$roster" --month "$month" --format csv -o "$out/check1-$size.csv"
  record "check1 $size" "$rows" "$bytes" "$out/check1-$size.log"

  # The peer's four columns: the like-for-like comparison with the peer (one worker) and the
  # same on every core.
  cols=household_id,decision,per_capita_income,monthly_total
  echo "== $size: jiuzhu check --columns (peer's four), -j 1 and every core" >&2
  timed "$out/check1-cols-$size.log" "$bin/jiuzhu" -j 1 check -p "$policy" "$roster" \
    --month "$month" --format csv --columns "$cols" -o "$out/check1-cols-$size.csv"
  record "check1 cols $size" "$rows" "$bytes" "$out/check1-cols-$size.log"
  timed "$out/check-cols-$size.log" "$bin/jiuzhu" check -p "$policy" "$roster" \
    --month "$month" --format csv --columns "$cols" -o "$out/check-cols-$size.csv"
  record "check cols $size" "$rows" "$bytes" "$out/check-cols-$size.log"

  # One core for the whole process (reader thread included), where taskset exists.
  if command -v taskset >/dev/null; then
    echo "== $size: jiuzhu check pinned to one core" >&2
    timed "$out/core1-$size.log" taskset -c 0 "$bin/jiuzhu" check -p "$policy" \
      "$roster" --month "$month" --format csv -o "$out/core1-$size.csv"
    record "core1 $size" "$rows" "$bytes" "$out/core1-$size.log"
  fi

  echo "== $size: jiuzhu audit" >&2
  timed "$out/audit-$size.log" "$bin/jiuzhu" audit -p "$policy" "$roster" \
    --month "$month" --format csv -o "$out/audit-$size.csv"
  record "audit $size" "$rows" "$bytes" "$out/audit-$size.log"

  for output in bare peer check check1 core1; do
    file=$out/$output-$size.csv
    if [[ -f $file ]] && written=$(data_rows "$file") && ((written != rows)); then
      echo "run.sh: warning: $file has $written rows, expected $rows" >&2
    fi
  done
done

echo
echo "agreement (20,000 households): $agreement"
echo "cores: $(nproc), peak RSS from: $rss_source, MB = 10^6 bytes, load = 1-minute load average at the start"
{
  echo "command|rows|seconds|rows/s|MB/s|peak RSS MB|load|status"
  printf '%s\n' "${rows_table[@]}"
} | print_table

for failure in "${failures[@]}"; do
  name=${failure%%|*}
  log=${failure#*|}
  echo
  echo "--- $name failed; last lines of $log:"
  tail -n 5 "$log"
done
if ((${#failures[@]} > 0)); then exit 1; fi

# ---- payouts: 1,000,000 households x 12 months ---------------------------------------------
# A year of payouts over the 1m roster (pay months 2022-01..2022-12, a fresh ledger, csv), paired
# with one `check` of the same roster timed just before it, so the ratio is from one moment of
# the machine. The schedule streams (docs/payouts.md): its peak RSS does not grow with the lines.
payouts_roster=$out/roster-1m.csv
if [[ -s $payouts_roster ]]; then
  echo "== 1m: jiuzhu check, then jiuzhu payouts 2022-01..2022-12" >&2
  sync
  timed "$out/payouts-check-1m.log" "$bin/jiuzhu" check -p "$policy" "$payouts_roster" \
    --month 2022-12 --format csv -o "$out/payouts-check-1m.csv"
  check_seconds=$seconds check_rss_kb=$rss_kb
  rm -f "$out/payouts-1m-ledger.csv"
  timed "$out/payouts-1m.log" "$bin/jiuzhu" payouts -p "$policy" "$payouts_roster" \
    --from 2022-01 --to 2022-12 --ledger "$out/payouts-1m-ledger.csv" --format csv \
    -o "$out/payouts-1m.csv"
  payouts_lines=$(grep -c ',pay,' "$out/payouts-1m.csv" || true)
  echo
  echo "payouts 1m x 12 months: ${seconds} s, peak RSS ${rss_kb} KB, exit $rc, $payouts_lines lines paid;" \
    "check of the same roster: ${check_seconds} s, ${check_rss_kb} KB;" \
    "ratio $(LC_ALL=C awk -v p="$seconds" -v c="$check_seconds" 'BEGIN { printf "%.2f", (c > 0 ? p / c : 0) }')"
  if ((rc > 1)); then
    tail -n 5 "$out/payouts-1m.log"
    exit 1
  fi
fi
