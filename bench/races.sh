#!/usr/bin/env bash
# The race campaign (docs/reliability.md): ROUNDS rounds (default 200) of ten actors at once on one
# request, through the portal's own services: 4 approvals, 3 rejections and 3 cancellations by the
# requester (exactly one outcome and one audit row), then 10 pickups by browser key, CSR and
# server-made file (exactly one certificate). Exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-200}
. bench/lib.sh
bench_prepare races
"$bench_exe" races "$ROUNDS" "$out/races" 2>"$out/races.log" | grep '=' | tee "$out/races.env"
