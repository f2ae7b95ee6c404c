#!/usr/bin/env bash
# The race campaign (docs/reliability.md): ROUNDS rounds (default 200) of ten actors at once on one
# request, through the portal's own services: 4 approvals, 3 rejections and 3 cancellations by the
# requester (exactly one outcome and one audit row), then 10 pickups by browser key, CSR and
# server-made file (exactly one certificate). Exits non-zero on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-200}
out=${out:-$PWD/bench/out}
mkdir -p "$out"; rm -rf "$out/races"; mkdir -p "$out/races"
dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null
bench/Enrollment.Bench/bin/Release/net9.0/linux-x64/Enrollment.Bench races "$ROUNDS" "$out/races" 2>"$out/races.log" | grep '=' | tee "$out/races.env"
