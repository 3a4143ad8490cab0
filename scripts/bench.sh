#!/usr/bin/env bash
# Run every benchmark under bench/, or the one named: `make bench BENCH=demo-data`.
set -euo pipefail
mkdir -p var/bench
if [ $# -gt 0 ] && [ -n "$1" ]; then
  scripts=("bench/${1//-/_}.py")
  [ -f "${scripts[0]}" ] || { echo "no benchmark named $1 (bench/*.py)" >&2; exit 1; }
else
  scripts=(bench/*.py)
fi
for script in "${scripts[@]}"; do
  echo "== $script"
  .venv/bin/python "$script"
done
