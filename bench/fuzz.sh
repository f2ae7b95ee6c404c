#!/usr/bin/env bash
# The fuzz campaign (docs/reliability.md): INPUTS seeded mutants (default 20,000) for every parser
# that takes outside input, the OCSP endpoints over HTTPS against a portal on 127.0.0.1, each input
# also read by BouncyCastle where it has a reader of the format (the differential campaign).
# Exits non-zero on any crash, 5xx, internalError, refusal without a message, or disagreement with
# BouncyCastle of a kind tests/Enrollment.Testing/Fuzzing/KnownDisagreements.cs does not explain.
#   bench/fuzz.sh                 # INPUTS=20000 SEED=20261122
set -euo pipefail
cd "$(dirname "$0")/.."
INPUTS=${INPUTS:-20000}
SEED=${SEED:-20261122}
. bench/lib.sh
bench_prepare fuzz
status=0
"$bench_exe" fuzz "$INPUTS" "$SEED" "$out/fuzz" 2>"$out/fuzz.log" | grep '=' > "$out/fuzz.env" || status=$?
value() { awk -F= -v k="$1" '$1 == k {print $2; f=1} END {if (!f) print "-"}' "$out/fuzz.env"; }
{
  echo "| Parser | Inputs | Accepted | Refused with a message | Crashes (exception, 5xx, internalError) | Unexplained (refusal without a message, disagreement) | Disagreements with BouncyCastle | Seconds |"
  echo "|---|---|---|---|---|---|---|---|"
  for t in csr_der csr_pem ocsp_request forwarded_certificate_header ca_import_pkcs12 ocsp_http_post ocsp_http_get; do
    echo "| ${t//_/-} | $(value ${t}_inputs) | $(value ${t}_accepted) | $(value ${t}_refused) | $(value ${t}_crashes) | $(value ${t}_unexplained) | $(value ${t}_disagreements) | $(value ${t}_seconds) |"
  done
  echo
  cat "$out/fuzz/disagreements.md"
} | tee "$out/fuzz.md"
[ "$status" -eq 0 ] || { echo "fuzz: failures, see $out/fuzz.log"; exit "$status"; }
