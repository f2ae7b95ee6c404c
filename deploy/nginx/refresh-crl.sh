#!/bin/sh
# Keeps the file nginx reads with ssl_crl current. nginx checks a CRL at every level of the chain,
# so the file holds the issuing CA's CRL and the root's. Each is fetched, must parse and carry a
# valid signature of its CA, and the file is replaced (whole) and nginx reloaded only when the
# CRLs changed. ssl_crl is read at start and reload only: run this every minute (cron or a
# systemd timer); the portal publishes a new CRL on every revocation.
#
#   refresh-crl.sh PORTAL_URL CRL_FILE CA_FILE [RELOAD_COMMAND]
#
# PORTAL_URL      e.g. http://127.0.0.1:5000 (the PKI endpoints answer over plain HTTP)
# CRL_FILE        the path ssl_crl names ({{CRL_FILE}} in enrollment.conf.template)
# CA_FILE         PEM with the issuing CA and the root (GET /pki/issuing.crt and /pki/root.crt)
# RELOAD_COMMAND  default "nginx -s reload"
# ROOT_CRL_URL    (environment) where the root's CRL is, when the portal does not hold the root
#                 key (an imported CA): your organisation's PKI. Default PORTAL_URL/pki/root.crl.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: refresh-crl.sh PORTAL_URL CRL_FILE CA_FILE [RELOAD_COMMAND]" >&2
    exit 2
fi
portal=${1%/}
target=$2
cafile=$3
reload=${4:-nginx -s reload}
root_crl_url=${ROOT_CRL_URL:-$portal/pki/root.crl}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "refresh-crl: $*; $target is left as it was" >&2
    exit 1
}

fetch() {
    curl --fail --silent --show-error --max-time 15 --output "$2" "$1" || fail "cannot fetch $1"
    openssl crl -inform DER -in "$2" -out "$2.pem" 2>/dev/null || fail "$1 is not a DER CRL"
    openssl crl -in "$2.pem" -noout -verify -CAfile "$cafile" 2>&1 | grep -q "verify OK" ||
        fail "the signature of $1 does not verify against $cafile"
}

fetch "$portal/pki/issuing.crl" "$work/issuing.crl"
fetch "$root_crl_url" "$work/root.crl"
cat "$work/issuing.crl.pem" "$work/root.crl.pem" > "$work/crl.pem"

if [ -f "$target" ] && cmp -s "$work/crl.pem" "$target"; then
    exit 0
fi
cp "$work/crl.pem" "$target.tmp"
chmod 644 "$target.tmp"
mv -f "$target.tmp" "$target"
sh -c "$reload" || fail "the CRLs changed but '$reload' failed"
echo "refresh-crl: $target updated"
