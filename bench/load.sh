#!/usr/bin/env bash
# Load (docs/reliability.md): bounded wrk runs on 127.0.0.1 against the published portal's OCSP
# responder (GET, RFC 5019 form), the CRL download and the sign-in page, one after the other,
# while the server's resident memory is sampled every second. The public rate limit is raised for
# the run, so the server is measured rather than the limiter (which has its own tests).
# Reports requests/s, p50, p99, errors (socket errors and non-2xx answers) and memory at the start,
# the middle and the end of each run; exits non-zero on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-64}
out=${out:-$PWD/bench/out}/load
rm -rf "$out"; mkdir -p "$out"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
dotnet publish src/Enrollment.Web -c Release -o "$out/web" --nologo -v quiet >/dev/null
web="$out/web/Enrollment.Web"
data="$out/data"
"$web" users add --data-dir "$data" --email load@example.com --name Load --employee-id L0001 >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/leaf.key" -subj /CN=load -out "$out/leaf.csr" 2>/dev/null
"$web" certs issue --data-dir "$data" --user load@example.com --csr "$out/leaf.csr" --out "$out/leaf.pem" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$web" --urls "http://127.0.0.1:$port" --Enrollment:DataDirectory="$data" --Enrollment:RateLimits:PublicPerSecond=10000000 \
  --Enrollment:RateLimits:PublicBurst=10000000 --Logging:LogLevel:Default=Warning >"$out/portal.log" 2>&1 &
portal=$!
trap 'kill $portal 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/pki/issuing.crl" && break; sleep 0.2; done
openssl ocsp -no_nonce -issuer "$data/ca/issuing.crt" -cert "$out/leaf.pem" -reqout "$out/request.der" >/dev/null
ocsp_get="pki/ocsp/$(base64 -w0 "$out/request.der" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read(), safe=""))')"
rss() { awk '/VmRSS/ {print $2}' "/proc/$portal/status"; }
# wrk counts only socket errors; a response script counts every answer that is not 2xx.
cat > "$out/status.lua" <<'LUA'
local bad = 0
function response(status, headers, body) if status >= 400 then bad = bad + 1 end end
function done(summary, latency, requests) io.write(string.format("non2xx=%d\n", bad)) end
LUA
{
  echo "| Endpoint | Requests/s | p50 | p99 | Errors | Memory at start / middle / end (MiB) |"
  echo "|---|---|---|---|---|---|"
} > "$out/load.md"
status=0
for target in "OCSP GET:$ocsp_get" "CRL:pki/issuing.crl" "Sign-in page:account/login"; do
  name=${target%%:*}; path=${target#*:}
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$out/status.lua" "http://127.0.0.1:$port/$path" > "$out/wrk-${name// /-}.txt" &
  wrk_pid=$!
  samples=()
  while kill -0 $wrk_pid 2>/dev/null; do samples+=("$(rss)"); sleep 1; done
  wait $wrk_pid
  f="$out/wrk-${name// /-}.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p50=$(awk '$1 == "50%" {print $2}' "$f"); p99=$(awk '$1 == "99%" {print $2}' "$f")
  socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' "$f"); socket=${socket:-0}
  non2xx=$(awk -F= '/^non2xx=/ {print $2}' "$f")
  errors=$((socket + non2xx))
  n=${#samples[@]}
  mem="$(( ${samples[0]} / 1024 )) / $(( ${samples[$((n / 2))]} / 1024 )) / $(( ${samples[$((n - 1))]} / 1024 ))"
  echo "| $name | $rps | $p50 | $p99 | $errors | $mem |" | tee -a "$out/load.md"
  [ "$errors" -eq 0 ] || status=1
done
exit $status
