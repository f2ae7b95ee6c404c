#!/usr/bin/env bash
# The admin certificate list over 100,000 certificates issued through the portal's own issuer
# (Enrollment.Bench admin-list): the server's part of the first page, searches, sorts and filters;
# the first page and a search in Chromium; the CSV export of 10,000 and of 100,000 rows, with how
# far the server's managed heap rose during each (streamed: it must not grow with the row count).
# Called by bench/run.sh; alone: out=bench/out bench_exe=... bash bench/admin-list.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=${out:-$PWD/bench/out}
bench_exe=${bench_exe:-bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench}
[ -x "$bench_exe" ] || dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null
value() { awk -F= -v k="$1" '$1 == k {print $2}' "$2"; }
rm -rf "$out/admin-list"; mkdir -p "$out/admin-list"
"$bench_exe" admin-list "$out/admin-list" 2>/dev/null | grep '=' | tee "$out/admin-list.env"
env="$out/admin-list.env"
{
  echo "| Measure | Enrollment | Peer | Ratio | Target |"
  echo "|---|---|---|---|---|"
  echo "| Admin list, 100,000 certificates, first page (server: authorize, gate, count, 20 rows) | $(value service_ms_first_page "$env") ms | | | < 300 ms |"
  for q in search_serial search_email search_employee_id search_name sort_owner sort_expiry filter_revoked filter_issued_today; do
    echo "| Admin list, 100,000 certificates, ${q//_/ } (server) | $(value service_ms_$q "$env") ms | | | < 300 ms |"
  done
  echo "| Admin list in Chromium, navigation to first rows on screen (prerendered) | $(value browser_rows_visible_ms "$env") ms | | | < 300 ms |"
  echo "| Admin list in Chromium, navigation to interactive grid | $(value browser_first_page_ms "$env") ms | | | |"
  echo "| Admin list in Chromium, search typed to rows shown | $(value browser_search_ms "$env") ms | | | < 300 ms |"
  a=$(value export_heap_growth_mib_100000 "$env"); b=$(value export_heap_growth_mib_10000 "$env")
  echo "| CSV export, 100,000 rows ($(value export_mib_100000 "$env") MiB) | $(value export_seconds_100000 "$env") s | 10,000 rows: $(value export_seconds_10000 "$env") s | | < 10 s |"
  echo "| Server heap growth during the export, 100,000 vs 10,000 rows | $a MiB | $b MiB | $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}') | flat (not 10x) |"
} | tee "$out/admin-list.md"
