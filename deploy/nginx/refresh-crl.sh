#!/bin/sh
# Keeps the file nginx reads with ssl_crl current. nginx checks a CRL at every level of the chain,
# so the file holds the issuing CA's CRL and the root's. Each is fetched, must parse and carry a
# valid signature of its CA, and may not carry a lower CRL number than the one in the file (a replayed
# older CRL would hide later revocations); the file is replaced (whole) and nginx reloaded only when
# the CRLs changed. ssl_crl is read at start and reload only: run this every minute (cron or a
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

# The CRL number (RFC 5280 5.2.3) of the first CRL in a PEM file, as a decimal number; empty if none.
crl_number() {
    hex=$(openssl crl -in "$1" -noout -crlnumber 2>/dev/null | sed -n 's/^crlNumber=\(0x\)\{0,1\}//p')
    [ -n "$hex" ] && echo $((0x$hex))
}

# Each CRL must be at least as new as the one of the same CA in the current file.
not_older() {
    new=$(crl_number "$1")
    old=$(crl_number "$2")
    if [ -n "$old" ] && [ -n "$new" ] && [ "$new" -lt "$old" ]; then
        fail "$3 has CRL number $new, lower than the $old already in use (a replayed or rolled-back CRL)"
    fi
}

fetch "$portal/pki/issuing.crl" "$work/issuing.crl"
fetch "$root_crl_url" "$work/root.crl"
if [ -f "$target" ]; then
    # The file holds the issuing CA's CRL, then the root's.
    awk -v dir="$work" '/BEGIN X509 CRL/ { n++ } n { print > (dir "/current-" n ".pem") }' "$target"
    [ -f "$work/current-1.pem" ] && not_older "$work/issuing.crl.pem" "$work/current-1.pem" "$portal/pki/issuing.crl"
    [ -f "$work/current-2.pem" ] && not_older "$work/root.crl.pem" "$work/current-2.pem" "$root_crl_url"
fi
cat "$work/issuing.crl.pem" "$work/root.crl.pem" > "$work/crl.pem"

if [ -f "$target" ] && cmp -s "$work/crl.pem" "$target"; then
    exit 0
fi
cp "$work/crl.pem" "$target.tmp"
chmod 644 "$target.tmp"
mv -f "$target.tmp" "$target"
sh -c "$reload" || fail "the CRLs changed but '$reload' failed"
echo "refresh-crl: $target updated"
