#!/usr/bin/env bash
# Crash safety (docs/reliability.md): RUNS times (default 50) a child process issues 8 at a time
# and revokes every fifth on one data directory, and is killed with SIGKILL at a random moment;
# the portal then restarts on the directory (start-up recovery) and the checks run:
# PRAGMA integrity_check, every reported issuance and revocation durable, no serial used twice, no
# intent left, every abandoned serial answered revoked, CRL number above everything published.
#
# NODES=2: two nodes on one PostgreSQL database (a private cluster on a loopback port, as in
# ./test.sh). Node B runs in the bench and serves throughout; node A is the child killed RUNS times.
# After each kill node B must answer /healthz and its CRL and hold everything A reported; at the
# end node B's own recovery must have abandoned (and revoked, and listed in its CRL) every intent A left.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-50}
SEED=${SEED:-20261122}
NODES=${NODES:-1}
. bench/lib.sh
if [ "$NODES" = 1 ]; then
    bench_prepare crash
    "$bench_exe" crash "$RUNS" "$out/crash" "$SEED" 2>"$out/crash.log" | tee "$out/crash.env"
else
    bench_prepare crash-cluster
    postgres_dir=$(mktemp -u /tmp/enrollment-postgres-XXXXXX)
    trap 'tests/postgres-cluster.sh stop "$postgres_dir"' EXIT
    server=$(tests/postgres-cluster.sh start "$postgres_dir")
    "$bench_exe" crash-cluster "$RUNS" "$out/crash-cluster" "$SEED" "$server" 2>"$out/crash-cluster.log" | tee "$out/crash-cluster.env"
fi
