#!/usr/bin/env bash
# The TLS scan (docs/reliability.md): testssl against Kestrel (direct mode) and against the shipped
# nginx and Apache httpd fronts, each with a server certificate as an enterprise CA would issue it (made here with
# openssl, with CRL and OCSP URIs); the acceptable client CA names read with openssl s_client.
# Everything listens on 127.0.0.1. Exits non-zero on a CRITICAL or HIGH finding, a protocol other
# than TLS 1.2/1.3, or a client CA list other than exactly our issuing CA.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${out:-$PWD/bench/out}/tls
rm -rf "$out"; mkdir -p "$out"
command -v testssl >/dev/null || apt-get install -y testssl.sh >/dev/null
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || apt-get install -y nginx >/dev/null
[ -x /usr/sbin/apache2 ] || apt-get install -y apache2 >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 60); do curl -sk -o /dev/null "$1" && return 0; sleep 1; done; echo "no answer from $1"; exit 1; }

echo "== build (Release)"
dotnet publish src/Enrollment.Web -c Release -o "$out/web" --nologo -v quiet >/dev/null

echo "== server certificate from a test enterprise CA"
(
  cd "$out"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server-ca.key -subj "/O=Example Corp/CN=Example Corp TLS CA" \
    -days 800 -out server-ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -subj "/CN=localhost" -out server.csr 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature" \
    "crlDistributionPoints=URI:http://127.0.0.1/server-ca.crl" "authorityInfoAccess=OCSP;URI:http://127.0.0.1/ocsp,caIssuers;URI:http://127.0.0.1/server-ca.crt" > server.ext
  openssl x509 -req -in server.csr -CA server-ca.pem -CAkey server-ca.key -CAcreateserial -days 365 -extfile server.ext -out server.pem 2>/dev/null
  cat server.pem server-ca.pem > server-chain.pem
)

scan() { # name url
  # --ip: connect to 127.0.0.1 whatever the name resolves to; the name is still sent as SNI.
  testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --add-ca "$out/server-ca.pem" --jsonfile-pretty "$out/$1.json" "$2" > "$out/$1.txt" 2>&1 || true
  openssl s_client -connect "127.0.0.1:${2##*:}" -servername localhost </dev/null 2>/dev/null \
    | awk '/^Acceptable client certificate CA names/ {f=1; next} /^(Requested|Shared|Client Certificate Types|---)/ {f=0} f' > "$out/$1.client-cas.txt" || true
}

echo "== Kestrel, direct mode"
https_port=$(free_port); http_port=$(free_port)
"$out/web/Enrollment.Web" --urls="https://127.0.0.1:$https_port;http://127.0.0.1:$http_port" --Enrollment:DataDirectory="$out/data-direct" \
  --Kestrel:Certificates:Default:Path="$out/server-chain.pem" --Kestrel:Certificates:Default:KeyPath="$out/server.key" > "$out/portal-direct.log" 2>&1 &
portal=$!
wait_for "https://127.0.0.1:$https_port/"
curl -s "http://127.0.0.1:$http_port/pki/issuing.crt" | openssl x509 -inform DER -noout -subject | sed 's/^subject=//' > "$out/issuing-subject.txt"
scan kestrel "https://127.0.0.1:$https_port"
kill $portal; wait $portal 2>/dev/null || true

echo "== nginx front, proxy mode"
https_port=$(free_port); upstream_port=$(free_port); front_port=$(free_port)
"$out/web/Enrollment.Web" --urls="https://127.0.0.1:$https_port;http://127.0.0.1:$upstream_port" --Enrollment:DataDirectory="$out/data-proxy" \
  --Enrollment:ClientCertificates:Mode=Proxy --Enrollment:ClientCertificates:KnownProxies:0=127.0.0.2 > "$out/portal-proxy.log" 2>&1 &
portal=$!
wait_for "http://127.0.0.1:$upstream_port/pki/issuing.crt"
curl -s "http://127.0.0.1:$upstream_port/pki/issuing.crt" | openssl x509 -inform DER -out "$out/client-ca.pem"
curl -s "http://127.0.0.1:$upstream_port/pki/root.crt" | openssl x509 -inform DER -out "$out/trusted-ca.pem"
openssl x509 -in "$out/client-ca.pem" -noout -subject | sed 's/^subject=//' > "$out/issuing-subject-proxy.txt"
cat "$out/client-ca.pem" "$out/trusted-ca.pem" > "$out/crl-ca.pem"
deploy/nginx/refresh-crl.sh "http://127.0.0.1:$upstream_port" "$out/crl.pem" "$out/crl-ca.pem" true
sed -e "s|{{LISTEN}}|127.0.0.1:$front_port|; s|{{SERVER_NAME}}|localhost|; s|{{SERVER_CERTIFICATE}}|$out/server-chain.pem|; s|{{SERVER_KEY}}|$out/server.key|" \
    -e "s|{{CLIENT_CA_FILE}}|$out/client-ca.pem|; s|{{TRUSTED_CA_FILE}}|$out/trusted-ca.pem|; s|{{OCSP_URL}}|http://127.0.0.1:$upstream_port/pki/ocsp|; s|{{CRL_FILE}}|$out/crl.pem|" \
    -e "s|{{UPSTREAM}}|127.0.0.1:$upstream_port|g; s|{{PROXY_SOURCE}}|127.0.0.2|g; s|{{RECOVERY_HEADERS}}|$out/recovery-headers.conf|" \
    deploy/nginx/enrollment.conf.template > "$out/enrollment.conf"
sed -e "s|{{PROXY_SOURCE}}|127.0.0.2|g" deploy/nginx/recovery-headers.conf > "$out/recovery-headers.conf"
cat > "$out/nginx.conf" <<CONF
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $out/body; proxy_temp_path $out/proxy; fastcgi_temp_path $out/fastcgi; uwsgi_temp_path $out/uwsgi; scgi_temp_path $out/scgi;
  include $out/enrollment.conf;
}
CONF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -p "$out" -c "$out/nginx.conf" -g 'daemon off;' &
front=$!
# By name: the shipped configuration refuses a handshake without its server name (SNI).
wait_for "https://localhost:$front_port/"
scan nginx "https://localhost:$front_port"
kill $front $portal; wait $front $portal 2>/dev/null || true

echo "== Apache httpd front, proxy mode on a Unix socket"
https_port=$(free_port); upstream_port=$(free_port); front_port=$(free_port)
"$out/web/Enrollment.Web" --urls="https://127.0.0.1:$https_port;http://127.0.0.1:$upstream_port;http://unix:$out/portal.sock" \
  --Enrollment:DataDirectory="$out/data-apache" --Enrollment:ClientCertificates:Mode=Proxy \
  --Enrollment:ClientCertificates:UnixSocketProxy=true > "$out/portal-apache.log" 2>&1 &
portal=$!
wait_for "http://127.0.0.1:$upstream_port/pki/issuing.crt"
curl -s "http://127.0.0.1:$upstream_port/pki/issuing.crt" | openssl x509 -inform DER -out "$out/apache-client-ca.pem"
curl -s "http://127.0.0.1:$upstream_port/pki/root.crt" | openssl x509 -inform DER -out "$out/apache-root.pem"
openssl x509 -in "$out/apache-client-ca.pem" -noout -subject | sed 's/^subject=//' > "$out/issuing-subject-apache.txt"
cat "$out/apache-client-ca.pem" "$out/apache-root.pem" > "$out/apache-ca-chain.pem"
deploy/nginx/refresh-crl.sh "http://127.0.0.1:$upstream_port" "$out/apache-crl.pem" "$out/apache-ca-chain.pem" true
sed -e "s|{{LISTEN}}|127.0.0.1:$front_port|g; s|{{SERVER_NAME}}|localhost|; s|{{SERVER_CERTIFICATE}}|$out/server-chain.pem|; s|{{SERVER_KEY}}|$out/server.key|" \
    -e "s|{{CLIENT_CA_FILE}}|$out/apache-client-ca.pem|g; s|{{CA_CHAIN_FILE}}|$out/apache-ca-chain.pem|g; s|{{OCSP_URL}}|http://127.0.0.1:$upstream_port/pki/ocsp|" \
    -e "s|{{CRL_FILE}}|$out/apache-crl.pem|g; s|{{PORTAL_SOCKET}}|$out/portal.sock|g" \
    deploy/apache/enrollment.conf.template > "$out/apache-site.conf"
modules=/usr/lib/apache2/modules
cat > "$out/httpd.conf" <<CONF
ServerRoot $out
DefaultRuntimeDir $out
PidFile $out/httpd.pid
ErrorLog $out/apache-error.log
ServerName localhost
$(for m in mpm_event authz_core ssl socache_shmcb headers proxy proxy_http; do echo "LoadModule ${m}_module $modules/mod_$m.so"; done)
SSLSessionCache shmcb:$out/ssl_scache(512000)
Include $out/apache-site.conf
CONF
/usr/sbin/apache2 -f "$out/httpd.conf" -DFOREGROUND &
front=$!
wait_for "https://localhost:$front_port/"
scan apache "https://localhost:$front_port"
kill $front $portal; wait $front $portal 2>/dev/null || true

echo "== findings"
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
failed = False
rows = []
subjects = {"kestrel": "issuing-subject.txt", "nginx": "issuing-subject-proxy.txt", "apache": "issuing-subject-apache.txt"}
for name in ("kestrel", "nginx", "apache"):
    findings = [f for section in json.loads((out / f"{name}.json").read_text())["scanResult"][0].values() if isinstance(section, list) for f in section]
    worst = [f for f in findings if f["severity"] in ("CRITICAL", "HIGH")]
    offered = [f["id"] for f in findings if f["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3") and f["finding"].startswith("offered")]
    other = sorted({f"{f['id']} ({f['severity']}): {f['finding'][:80]}" for f in findings if f["severity"] in ("MEDIUM", "LOW")})
    subject = (out / subjects[name]).read_text().strip()
    cas = [line.strip() for line in (out / f"{name}.client-cas.txt").read_text().splitlines() if line.strip()]
    ca_ok = cas == [subject]
    ok = not worst and offered == ["TLS1_2", "TLS1_3"] and ca_ok
    failed |= not ok
    rows.append(f"| {name} | {len([f for f in findings if f['severity'] == 'CRITICAL'])} | {len([f for f in findings if f['severity'] == 'HIGH'])} | {', '.join(offered)} | {'; '.join(cas)} | {'; '.join(other) or '-'} |")
    for f in worst:
        print(f"{name}: {f['severity']} {f['id']}: {f['finding']}")
print("| Front | CRITICAL | HIGH | Protocols offered | Acceptable client CA names | MEDIUM and LOW |")
print("|---|---|---|---|---|---|")
print("\n".join(rows))
(out / "tls.md").write_text("\n".join(rows) + "\n")
sys.exit(1 if failed else 0)
PY
