#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer's coverage instrumentation (stable toolchain: the
# sancov pass and its LLVM options are plain -C flags) and runs each for SECONDS (default 30),
# starting from the committed corpus in fuzz/corpus/TARGET. New inputs go to a scratch folder,
# so the committed corpus only changes by hand; a crash leaves its input in fuzz/artifacts/TARGET
# and the script exits non-zero. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(roster policy index members ledger bank_template)
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
# An explicit --target keeps the instrumentation out of build scripts, which run on the host.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --quiet --bins --target "$host"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "artifacts/$t"
  echo "fuzz: $t for ${seconds}s" >&2
  dict=()
  [ -f "$t.dict" ] && dict=(-dict="$t.dict")
  ./target/"$host"/release/"$t" "$work/$t" "corpus/$t" "${dict[@]}" -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="artifacts/$t/" -print_final_stats=1 \
    2> "$work/$t.log" || { tail -40 "$work/$t.log" >&2; echo "fuzz: $t FAILED" >&2; exit 1; }
  grep -E 'stat::number_of_executed_units|stat::new_units_added' "$work/$t.log" | tr '\n' ' ' >&2
  echo >&2
done
