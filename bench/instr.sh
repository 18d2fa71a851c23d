#!/usr/bin/env bash
# Instruction counts (valgrind), repeatable whatever else the machine is doing: jiuzhu check and
# jiuzhu audit on one thread against the bare csv pass and the data office's program
# (jiuzhu-peer), on the same roster; check also with the peer's four columns.
# Usage: bench/instr.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
mkdir -p bench/out
cargo build --release --workspace --bins -q
target/release/jiuzhu-gen --rows "$rows" --seed 1 -o "bench/out/instr-$rows.csv"
# count COMMAND...: the instructions COMMAND executes (exit 1, rows invalid or findings, is fine).
count() {
    { valgrind --tool=callgrind --callgrind-out-file=bench/out/callgrind.out "$@" 2>&1 >/dev/null ||
        (($? == 1)); } | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
bare=$(count target/release/jiuzhu-bare "bench/out/instr-$rows.csv" -o bench/out/instr-bare.csv)
peer=$(count target/release/jiuzhu-peer "bench/out/instr-$rows.csv" -o bench/out/instr-peer.csv)
check=$(RAYON_NUM_THREADS=1 count target/release/jiuzhu check -p policies/lanzhou-2022.toml \
    "bench/out/instr-$rows.csv" --month 2022-12 --format csv -o bench/out/instr-check.csv)
cols=$(RAYON_NUM_THREADS=1 count target/release/jiuzhu check -p policies/lanzhou-2022.toml \
    "bench/out/instr-$rows.csv" --month 2022-12 --format csv -o bench/out/instr-cols.csv \
    --columns household_id,decision,per_capita_income,monthly_total)
audit=$(RAYON_NUM_THREADS=1 count target/release/jiuzhu audit -p policies/lanzhou-2022.toml \
    "bench/out/instr-$rows.csv" --month 2022-12 --format csv -o bench/out/instr-audit.csv)
echo "rows $rows, instructions/row: bare $((bare / rows)), peer $((peer / rows))," \
    "check $((check / rows)), check --columns (peer's four) $((cols / rows)), audit $((audit / rows))"
