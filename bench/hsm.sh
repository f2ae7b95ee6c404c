#!/usr/bin/env bash
# CA keys in a PKCS#11 token (SoftHSM2) against software keys, in one process (docs/certificate-authority.md,
# "Keys in an HSM"): COUNT client certificates signed, COUNT OCSP answers re-signed, and the ratios.
#   bench/hsm.sh                 # COUNT=1000
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000}
[ -e /usr/lib/softhsm/libsofthsm2.so ] || apt-get install -y softhsm2 >/dev/null
. bench/lib.sh
bench_prepare hsm
"$bench_exe" hsm "$COUNT" > "$out/hsm/figures.env"
value() { awk -F= -v k="$1" '$1 == k {print $2}' "$out/hsm/figures.env"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
{
  echo "| Work ($COUNT each) | Software key | Key in SoftHSM2 | Token / software |"
  echo "|---|---|---|---|"
  echo "| Client certificates signed (P-384 issuing key) | $(value issue_software_seconds) s | $(value issue_token_seconds) s | $(ratio "$(value issue_token_seconds)" "$(value issue_software_seconds)") |"
  echo "| OCSP answers re-signed (P-256 signer key) | $(value ocsp_software_seconds) s | $(value ocsp_token_seconds) s | $(ratio "$(value ocsp_token_seconds)" "$(value ocsp_software_seconds)") |"
} | tee "$out/hsm/figures.md"
