#!/usr/bin/env bash
# Part of bench/run.sh, run inside `unshare --net`: our OCSP responder, `openssl ocsp -multi 2` (which
# cannot bind to one address) and nginx with a static file of the same size, each loaded by wrk.
# Writes the figures to $out/ocsp.env.
set -euo pipefail
: "${out:?}" "${web:?}"
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"16 64 256"}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
  pkill -f "openssl ocsp -index $out/index.txt" || true
}
trap cleanup EXIT
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 did not open"; exit 1; }

data="$out/data"
export Enrollment__Ca__KeyPassphrase=bench-passphrase   # lets openssl use the very same OCSP signer key
"$web" ca init --data-dir "$data" >/dev/null
"$web" users add --data-dir "$data" --email bench@example.com --name Bench --employee-id B0001 >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/leaf.key" -subj /CN=bench -out "$out/leaf.csr" 2>/dev/null
"$web" certs issue --data-dir "$data" --user bench@example.com --csr "$out/leaf.csr" --out "$out/leaf.pem" >/dev/null
"$web" --urls http://127.0.0.1:18080 --Enrollment:DataDirectory="$data" --Enrollment:RateLimits:PublicPerSecond=10000000 \
  --Enrollment:RateLimits:PublicBurst=10000000 --Logging:LogLevel:Default=Warning >"$out/portal.log" 2>&1 &
pids+=($!)
openssl ocsp -no_nonce -issuer "$data/ca/issuing.crt" -cert "$out/leaf.pem" -reqout "$out/request.der" >/dev/null
openssl pkey -in "$data/ca/ocsp.key" -passin env:Enrollment__Ca__KeyPassphrase -out "$out/ocsp-signer.key"
serial=$(openssl x509 -in "$out/leaf.pem" -noout -serial | cut -d= -f2)
expiry=$(date -u -d "$(openssl x509 -in "$out/leaf.pem" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
printf 'V\t%s\t\t%s\tunknown\t/CN=bench\n' "$expiry" "$serial" > "$out/index.txt"
# The reference responder wedges after a client connects and closes without sending (OpenSSL issue
# 31129, docs/pitfalls.md), as a port probe or the end of a wrk run does: probe it with a real request
# and start a fresh one for every load run.
openssl_port=18100
start_openssl() {
  openssl_port=$((openssl_port + 1))
  openssl ocsp -index "$out/index.txt" -port "$openssl_port" -rsigner "$data/ca/ocsp.crt" -rkey "$out/ocsp-signer.key" \
    -CA "$data/ca/issuing.crt" -multi 2 -nmin 60 >>"$out/openssl-ocsp.log" 2>&1 &
  for _ in $(seq 1 50); do
    curl -s -m 1 --data-binary @"$out/request.der" -H 'Content-Type: application/ocsp-request' "http://127.0.0.1:$openssl_port/" -o /dev/null && return 0
    sleep 0.2
  done
  echo "openssl ocsp did not answer"; exit 1
}
stop_openssl() { pkill -f "openssl ocsp -index $out/index.txt" || true; sleep 0.5; }
wait_port 18080
curl -s --data-binary @"$out/request.der" -H 'Content-Type: application/ocsp-request' http://127.0.0.1:18080/pki/ocsp -o "$out/response.der"
openssl ocsp -respin "$out/response.der" -issuer "$data/ca/issuing.crt" -cert "$out/leaf.pem" -CAfile <(cat "$data/ca/issuing.crt" "$data/ca/root.crt") | grep -q ": good"
mkdir -p "$out/nginx/static" "$out/nginx/logs"
cp "$out/response.der" "$out/nginx/static/response.der"
cat > "$out/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $out/nginx/nginx.pid;
error_log $out/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path $out/nginx/body; proxy_temp_path $out/nginx/proxy; fastcgi_temp_path $out/nginx/fastcgi;
  uwsgi_temp_path $out/nginx/uwsgi; scgi_temp_path $out/nginx/scgi;
  server { listen 127.0.0.1:18082; location / { root $out/nginx/static; } }
}
CONF
"$NGINX" -c "$out/nginx/nginx.conf" -p "$out/nginx" 2>/dev/null
wait_port 18082
export OCSP_REQUEST="$out/request.der"
load() { wrk -t2 -c"$1" -d"${DURATION}s" --latency "${@:2}" 2>&1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
p99() { awk '$1 == "99%" {print $2}'; }
errors() { awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' '; }
# Warm-up, unreported: JIT tiers and connection pools settle as in a server that has been running.
load 16 -s bench/post-ocsp.lua http://127.0.0.1:18080/pki/ocsp >/dev/null
declare -gA ours theirs static ours_p99
for c in $CONNECTIONS; do
  load "$c" -s bench/post-ocsp.lua http://127.0.0.1:18080/pki/ocsp > "$out/wrk-ours-$c.txt"
  start_openssl
  load "$c" -s bench/post-ocsp.lua "http://127.0.0.1:$openssl_port/" > "$out/wrk-openssl-$c.txt"
  stop_openssl
  load "$c" http://127.0.0.1:18082/response.der > "$out/wrk-nginx-$c.txt"
  ours[$c]=$(rps < "$out/wrk-ours-$c.txt"); theirs[$c]=$(rps < "$out/wrk-openssl-$c.txt"); static[$c]=$(rps < "$out/wrk-nginx-$c.txt")
  ours_p99[$c]=$(p99 < "$out/wrk-ours-$c.txt")
  echo "  c=$c  ours ${ours[$c]} req/s (p99 ${ours_p99[$c]}) $(errors < "$out/wrk-ours-$c.txt")| openssl ocsp -multi 2 ${theirs[$c]} req/s | nginx static ${static[$c]} req/s"
done


{
  for c in $CONNECTIONS; do
    echo "ours[$c]=${ours[$c]}; theirs[$c]=${theirs[$c]}; static[$c]=${static[$c]}; ours_p99[$c]=${ours_p99[$c]}"
  done
} > "$out/ocsp.env"
