#!/usr/bin/env bash
# The test command: installs the real peers the tests use when they are missing, then runs every
# test in Enrollment.sln and prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v pk12util >/dev/null || need+=(libnss3-tools)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)
[ -x /usr/sbin/apache2 ] || need+=(apache2)
[ -e /usr/lib/softhsm/libsofthsm2.so ] || need+=(softhsm2)
command -v chromium >/dev/null || need+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v npm >/dev/null || need+=(npm)
# A Japanese font, so screenshots of Japanese pages show text rather than boxes.
fc-list 2>/dev/null | grep -qi -E "ipa|noto.*cjk" || need+=(fonts-ipafont-gothic)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing test peers: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Front-end packages for the browser tests (axe-core): from package-lock.json, never committed.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >/dev/null
fi

log=$(mktemp)
# The tests' PostgreSQL: a private cluster on a loopback port for this run, stopped afterwards.
postgres_dir=$(mktemp -u /tmp/enrollment-postgres-XXXXXX)
trap 'tests/postgres-cluster.sh stop "$postgres_dir"; rm -f "$log"' EXIT
ENROLLMENT_TEST_POSTGRES=$(tests/postgres-cluster.sh start "$postgres_dir")
export ENROLLMENT_TEST_POSTGRES
started=$(date +%s)
echo "Building, then running every test (the portal's once more on PostgreSQL): about 10 minutes on 2 cores. Each test prints a line when it"
echo "finishes; the browser tests (Enrollment.E2E.Tests, about 5 minutes) finish last. The full output,"
echo "with the portal's own log lines, is kept in $log while it runs."
set +e
# The screen gets one line per finished test, build errors and each assembly's verdict.
filter='^  (Passed|Failed|Skipped) |^Test run for |: error |Build FAILED|^Test Run (Successful|Failed|Aborted)'
dotnet test Enrollment.sln --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" | grep --line-buffered -E "$filter"
status=${PIPESTATUS[0]}
# The portal's tests once more with its records on PostgreSQL (tests of the SQLite file itself stay on SQLite).
echo "Enrollment.Web.Tests again, on PostgreSQL:"
ENROLLMENT_TEST_DATABASE=PostgreSql dotnet test tests/Enrollment.Web.Tests --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 \
  | tee -a "$log" | grep --line-buffered -E "$filter"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e
echo "Took $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s."

# What failed, with its message and stack.
if grep -q '^  Failed ' "$log"; then
  echo "== failures"
  grep -A 30 '^  Failed ' "$log" | grep -v '^[a-z]*: ' | head -n 300
fi

# Sum each assembly's summary block ("Total tests: N", "     Passed: N", "     Failed: N", "    Skipped: N").
passed=$(awk '/^ +Passed: +[0-9]+ *$/ {s+=$2} END {print s+0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+ *$/ {s+=$2} END {print s+0}' "$log")
skipped=$(awk '/^ +Skipped: +[0-9]+ *$/ {s+=$2} END {print s+0}' "$log")
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
