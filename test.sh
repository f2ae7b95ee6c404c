#!/usr/bin/env bash
# The test command: installs the real peers the tests use when they are missing, then runs every
# test in Enrollment.sln and prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v openssl >/dev/null || need+=(openssl)
command -v pk12util >/dev/null || need+=(libnss3-tools)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)
command -v chromium >/dev/null || need+=(chromium)
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
trap 'rm -f "$log"' EXIT
started=$(date +%s)
echo "Building, then running every test: about 10 minutes on 2 cores. Each test prints a line when it"
echo "finishes; the browser tests (Enrollment.E2E.Tests, about 5 minutes) finish last."
set +e
dotnet test Enrollment.sln --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
echo "Took $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s."

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 55, Skipped: 0, ..."), and only those.
summaries=$(grep -E '^(Passed|Failed)! +- ' "$log" || true)
passed=$(grep -oE 'Passed: +[0-9]+' <<<"$summaries" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' <<<"$summaries" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' <<<"$summaries" | awk '{s+=$2} END {print s+0}')
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
