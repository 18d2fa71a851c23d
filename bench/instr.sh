#!/usr/bin/env bash
# Instruction counts (valgrind), repeatable whatever else the machine is doing: jiuzhu check on
# one thread against the bare csv pass, on the same roster. Usage: bench/instr.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-20000}
mkdir -p bench/out
cargo build --release --bins -q
target/release/jiuzhu-gen --rows "$rows" --seed 1 -o "bench/out/instr-$rows.csv"
count() {
    valgrind --tool=callgrind --callgrind-out-file=bench/out/callgrind.out "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
bare=$(count target/release/jiuzhu-bare "bench/out/instr-$rows.csv" -o bench/out/instr-bare.csv)
check=$(RAYON_NUM_THREADS=1 count target/release/jiuzhu check -p policies/lanzhou-2022.toml \
    "bench/out/instr-$rows.csv" --month 2022-12 --format csv -o bench/out/instr-check.csv)
echo "rows $rows: bare $((bare / rows)) instructions/row, check $((check / rows)) instructions/row"
