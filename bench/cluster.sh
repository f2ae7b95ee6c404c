#!/usr/bin/env bash
# Several nodes (issue 15), measured beside peers in one run on this machine:
#   Issuance with durable records: on PostgreSQL, on SQLite, and `openssl ca -batch`
#   OCSP through nginx: two portal nodes on one PostgreSQL database, and one node alone
# PostgreSQL is a private cluster on a loopback port (tests/postgres-cluster.sh, as in ./test.sh).
# Every load is bounded (DURATION) and sent to 127.0.0.1 only. Figures in bench/out/cluster/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"16 64"}
out=$PWD/bench/out/cluster
rm -rf "$out"; mkdir -p "$out"
for tool in wrk openssl curl; do command -v $tool >/dev/null || { echo "missing $tool (apt-get install wrk openssl curl)"; exit 1; }; done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "missing nginx (apt-get install nginx)"; exit 1; }
. bench/lib.sh
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
wait_port() { for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 did not open"; exit 1; }

pids=()
postgres_dir=$(mktemp -u /tmp/enrollment-postgres-XXXXXX)
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
  tests/postgres-cluster.sh stop "$postgres_dir"
}
trap cleanup EXIT

echo "== build (Release)"
dotnet publish src/Enrollment.Web -c Release -o "$out/web" --nologo -v quiet >/dev/null
dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null
bench_exe=bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench
web="$out/web/Enrollment.Web"
server=$(tests/postgres-cluster.sh start "$postgres_dir")

echo "== Issuance with durable records (ECDSA P-256, 2,000 certificates 16 at a time)"
sqlite_issue=$("$bench_exe" issue 2000 16 "$out/issue-sqlite" | awk -F= '/issue_per_second/ {print $2}')
postgres_issue=$("$bench_exe" issue 2000 16 "$out/issue-postgres" "$server" | awk -F= '/issue_per_second/ {print $2}')
openssl_issue=$(openssl_batch_per_second "$out/openssl-batch")
echo "  PostgreSQL ${postgres_issue}/s | SQLite ${sqlite_issue}/s | openssl ca -batch ${openssl_issue}/s"

echo "== OCSP through nginx: two nodes on PostgreSQL, and one"
export Enrollment__Database__Provider=PostgreSql
export Enrollment__Database__ConnectionString="$server;Database=bench_cluster"
export Enrollment__Ca__KeyPassphrase=bench-passphrase
"$web" ca init --data-dir "$out/node-a" >/dev/null
"$web" users add --data-dir "$out/node-a" --email bench@example.com --name Bench --employee-id B0001 >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$out/leaf.key" -subj /CN=bench -out "$out/leaf.csr" 2>/dev/null
"$web" certs issue --data-dir "$out/node-a" --user bench@example.com --csr "$out/leaf.csr" --out "$out/leaf.pem" >/dev/null
mkdir -p "$out/node-b"
for shared in ca tls audit; do [ -d "$out/node-a/$shared" ] && cp -a "$out/node-a/$shared" "$out/node-b/"; done
port=18180
for node in node-a node-b; do
  "$web" --urls "http://127.0.0.1:$port" --Enrollment:DataDirectory="$out/$node" --Enrollment:RateLimits:PublicPerSecond=10000000 \
    --Enrollment:RateLimits:PublicBurst=10000000 --Logging:LogLevel:Default=Warning >"$out/$node.log" 2>&1 &
  pids+=($!)
  port=$((port + 1))
done
wait_port 18180; wait_port 18181
openssl ocsp -no_nonce -issuer "$out/node-a/ca/issuing.crt" -cert "$out/leaf.pem" -reqout "$out/request.der" >/dev/null
for port in 18180 18181; do
  curl -s --data-binary @"$out/request.der" -H 'Content-Type: application/ocsp-request' "http://127.0.0.1:$port/pki/ocsp" -o "$out/response.der"
  openssl ocsp -respin "$out/response.der" -issuer "$out/node-a/ca/issuing.crt" -cert "$out/leaf.pem" \
    -CAfile <(cat "$out/node-a/ca/issuing.crt" "$out/node-a/ca/root.crt") 2>/dev/null | grep -q ": good" || { echo "node on $port does not answer good"; exit 1; }
done
mkdir -p "$out/nginx/logs"
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
  upstream one { server 127.0.0.1:18180; keepalive 64; }
  upstream two { server 127.0.0.1:18180; server 127.0.0.1:18181; keepalive 64; }
  # The portal answers only its own names (AllowedHosts): the default PublicBaseUrl's, localhost.
  server { listen 127.0.0.1:18190; location / { proxy_pass http://one; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host localhost; } }
  server { listen 127.0.0.1:18191; location / { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host localhost; } }
}
CONF
"$NGINX" -c "$out/nginx/nginx.conf" -p "$out/nginx" 2>/dev/null
wait_port 18190; wait_port 18191
for port in 18190 18191; do
  status=$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$out/request.der" -H 'Content-Type: application/ocsp-request' "http://127.0.0.1:$port/pki/ocsp")
  [ "$status" = 200 ] || { echo "nginx on $port answers $status"; exit 1; }
done
export OCSP_REQUEST="$out/request.der"
load() { wrk -t2 -c"$1" -d"${DURATION}s" --latency -s bench/post-ocsp.lua "$2" 2>&1; }
rps() { awk '/Requests\/sec/ {print $2}'; }
# Every answer must be a 200: a load of refusals measures nothing.
check_ok() { ! grep -q "Non-2xx" "$1" || { echo "non-2xx answers in $1"; exit 1; }; }
# Warm-up, unreported: JIT tiers and connection pools settle on both nodes.
load 16 http://127.0.0.1:18191/pki/ocsp >/dev/null
declare -A one two
for c in $CONNECTIONS; do
  load "$c" http://127.0.0.1:18190/pki/ocsp > "$out/wrk-one-$c.txt"
  load "$c" http://127.0.0.1:18191/pki/ocsp > "$out/wrk-two-$c.txt"
  check_ok "$out/wrk-one-$c.txt"; check_ok "$out/wrk-two-$c.txt"
  one[$c]=$(rps < "$out/wrk-one-$c.txt"); two[$c]=$(rps < "$out/wrk-two-$c.txt")
  echo "  c=$c  two nodes ${two[$c]} req/s | one node ${one[$c]} req/s"
done

{
  echo "# Several nodes ($(date -u +%Y-%m-%d), $(nproc) cores, ${DURATION}s per load run)"
  echo
  echo "| Measure | Enrollment | Peer | Ratio |"
  echo "|---|---|---|---|"
  echo "| Issuance with durable records on PostgreSQL | ${postgres_issue}/s | on SQLite: ${sqlite_issue}/s | $(ratio "$postgres_issue" "$sqlite_issue") |"
  echo "| Issuance with durable records on PostgreSQL | ${postgres_issue}/s | openssl ca -batch: ${openssl_issue}/s | $(ratio "$postgres_issue" "$openssl_issue") |"
  for c in $CONNECTIONS; do
    echo "| OCSP POST through nginx, two nodes, $c connections | ${two[$c]} req/s | one node: ${one[$c]} req/s | $(ratio "${two[$c]}" "${one[$c]}") |"
  done
} > "$out/results.md"
echo
cat "$out/results.md"
