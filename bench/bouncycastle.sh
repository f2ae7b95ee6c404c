#!/usr/bin/env bash
# BouncyCastle beside what production uses (docs/architecture.md, "BouncyCastle"), in one process:
# ECDSA P-256 signatures (BCL vs BouncyCastle) and a CRL of ENTRIES revocations (our encoder vs
# BouncyCastle's X509V2CrlGenerator vs the BCL's CertificateRevocationListBuilder). Prints the ratios.
#   bench/bouncycastle.sh                 # SIGNATURES=2000 ENTRIES=100000
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNATURES=${SIGNATURES:-2000}
ENTRIES=${ENTRIES:-100000}
. bench/lib.sh
bench_prepare bouncycastle
"$bench_exe" bouncycastle "$SIGNATURES" "$ENTRIES" > "$out/bouncycastle/figures.env"
value() { awk -F= -v k="$1" '$1 == k {print $2}' "$out/bouncycastle/figures.env"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
{
  echo "| Measure | Production | BouncyCastle | BouncyCastle / production |"
  echo "|---|---|---|---|"
  echo "| $SIGNATURES ECDSA P-256 signatures | BCL $(value sign_bcl_seconds) s | $(value sign_bouncycastle_seconds) s | $(ratio "$(value sign_bouncycastle_seconds)" "$(value sign_bcl_seconds)") |"
  echo "| CRL of $ENTRIES entries, encoded and signed | ours $(value crl_ours_seconds) s | $(value crl_bouncycastle_seconds) s | $(ratio "$(value crl_bouncycastle_seconds)" "$(value crl_ours_seconds)") |"
  echo "| The same CRL with the BCL's builder | | $(value crl_bcl_seconds) s (BCL) | $(ratio "$(value crl_bcl_seconds)" "$(value crl_ours_seconds)") (BCL / ours) |"
} | tee "$out/bouncycastle/figures.md"
