#!/usr/bin/env bash
# Measures Enrollment beside its peers, in one run on this machine, and prints each ratio:
#   OCSP:      our responder vs `openssl ocsp -multi 2` and vs nginx serving a static file of the same size
#   CRL:       100,000 revoked entries, database to signed file, vs `openssl ca -gencrl` over an equivalent index
#   Issuance:  CSR to durable record, vs `openssl ca -batch` for the same key type, and `openssl speed`
#   Pages:     approver queue and "my certificates" in Chromium, memory per circuit vs the Blazor template (bench/pages.sh)
#   Admin list: 100,000 certificates issued through the portal: first page, searches, sorts, CSV export (bench/admin-list.sh)
# Every load is bounded in time and sent to 127.0.0.1 only. Results also go to bench/out/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"16 64 256"}
out=$PWD/bench/out
rm -rf "$out"; mkdir -p "$out"
command -v unshare >/dev/null && [ "$(id -u)" -eq 0 ] || { echo "needs root and unshare (util-linux) for a private network namespace"; exit 1; }
for tool in wrk openssl curl; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install wrk openssl curl)"; exit 1; }; done
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || { echo "missing nginx (apt-get install nginx)"; exit 1; }
seconds() { local TIMEFORMAT=%R; { time "$@" >/dev/null 2>&1; } 2>&1; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
. bench/lib.sh

echo "== build (Release)"
dotnet publish src/Enrollment.Web -c Release -o "$out/web" --nologo -v quiet >/dev/null
dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null
bench_exe=bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench
web="$out/web/Enrollment.Web"

echo "== OCSP (in a private network namespace: every server on loopback only)"
export out web
unshare --net --fork bash -c 'ip link set lo up && exec bash bench/ocsp.sh'
declare -A ours theirs static ours_p99
source "$out/ocsp.env"

echo "== CRL with 100,000 revoked"
ours_crl=$("$bench_exe" crl 100000 "$out/crl" | awk -F= '/crl_seconds/ {print $2}')
mkdir -p "$out/openssl-ca"
(
  cd "$out/openssl-ca"
  openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
  openssl req -x509 -key ca.key -subj "/CN=Bench CA" -days 3650 -out ca.pem 2>/dev/null
  expiry=$(date -u -d '+365 days' +%y%m%d%H%M%SZ); rev=$(date -u +%y%m%d%H%M%SZ)
  awk -v expiry="$expiry" -v rev="$rev" 'BEGIN { srand(5280); for (i = 0; i < 100000; i++) { s = sprintf("%02X", 1 + int(rand() * 127));
    for (j = 0; j < 16; j++) s = s sprintf("%02X", int(rand() * 256));
    printf "R\t%s\t%s,keyCompromise\t%s\tunknown\t/CN=b%d\n", expiry, rev, s, i } }' > index.txt
  echo 01 > crlnumber
  printf '[ca]\ndefault_ca=b\n[b]\ndatabase=index.txt\ncertificate=ca.pem\nprivate_key=ca.key\ndefault_md=sha256\ndefault_crl_days=7\ncrlnumber=crlnumber\nunique_subject=no\n' > ca.cnf
)
theirs_crl=$(for _ in 1 2 3; do (cd "$out/openssl-ca" && seconds openssl ca -config ca.cnf -gencrl -out crl.pem); done | median)
echo "  ours ${ours_crl} s | openssl ca -gencrl ${theirs_crl} s"

echo "== Issuance (ECDSA P-256 keys, ECDSA P-256 issuing CA)"
ours_issue=$("$bench_exe" issue 2000 16 "$out/issue" | awk -F= '/issue_per_second/ {print $2}')
theirs_issue=$(openssl_batch_per_second "$out/openssl-batch")
speed=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/nistp256/ {print $(NF-1)}')
echo "  ours ${ours_issue}/s | openssl ca -batch ${theirs_issue}/s | openssl speed ecdsap256 ${speed} signatures/s (1 core)"

echo "== Blazor pages (bench/pages.sh)"
out=$out web=$web bash bench/pages.sh

echo "== Admin certificate list over 100,000 certificates (bench/admin-list.sh)"
out=$out bench_exe=$bench_exe bash bench/admin-list.sh

{
  echo "# Benchmark results ($(date -u +%Y-%m-%d), $(nproc) cores, ${DURATION}s per load run)"
  echo
  echo "| Measure | Enrollment | Peer | Ratio | Target |"
  echo "|---|---|---|---|---|"
  for c in $CONNECTIONS; do
    echo "| OCSP POST, $c connections | ${ours[$c]} req/s | openssl ocsp -multi 2: ${theirs[$c]} req/s | $(ratio "${ours[$c]}" "${theirs[$c]}")x | >= 3x |"
    echo "| OCSP POST vs static file, $c connections | ${ours[$c]} req/s | nginx: ${static[$c]} req/s | $(ratio "${ours[$c]}" "${static[$c]}") | >= 0.40 |"
  done
  echo "| OCSP p99 latency, 64 connections | ${ours_p99[64]:-n/a} | | | < 10 ms |"
  echo "| CRL, 100,000 revoked (DB to file) | ${ours_crl} s | openssl ca -gencrl: ${theirs_crl} s | $(ratio "$ours_crl" "$theirs_crl") | <= 0.50 |"
  echo "| Issuance with durable records | ${ours_issue}/s | openssl ca -batch: ${theirs_issue}/s | $(ratio "$ours_issue" "$theirs_issue") | >= 0.50 |"
  echo "| ECDSA P-256 signatures (ceiling) | | openssl speed: ${speed}/s | | |"
  tail -n +3 "$out/pages.md"
  tail -n +3 "$out/admin-list.md"
} > "$out/results.md"
echo
cat "$out/results.md"
