#!/usr/bin/env bash
# Crash safety (docs/reliability.md): RUNS times (default 50) a child process issues 8 at a time
# and revokes every fifth on one data directory, and is killed with SIGKILL at a random moment;
# the portal then restarts on the directory (start-up recovery) and the checks run:
# PRAGMA integrity_check, every reported issuance and revocation durable, no serial used twice, no
# intent left, every abandoned serial answered revoked, CRL number above everything published.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
SEED=${SEED:-20261122}
. bench/lib.sh
bench_prepare crash
"$bench_exe" crash "$RUNS" "$out/crash" "$SEED" 2>"$out/crash.log" | tee "$out/crash.env"
