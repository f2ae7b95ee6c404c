# Sourced by the campaign scripts (fuzz, races, crash, connections): a clean output folder for the
# campaign NAME ($out/NAME) and the Release build of Enrollment.Bench ($bench_exe).
bench_prepare() {
    out=${out:-$PWD/bench/out}
    rm -rf "${out:?}/$1"; mkdir -p "$out/$1"
    # Quiet when it builds; the compiler's own words when it does not.
    dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null \
        || { dotnet build bench/Enrollment.Bench -c Release --nologo | grep -E "error|warn" >&2; return 1; }
    bench_exe=bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench
    # The production configuration: outside Development the portal needs a keeper for the CA keys.
    export Enrollment__Ca__KeyPassphrase=${Enrollment__Ca__KeyPassphrase:-bench-passphrase}
}

# The peer of "issuance with durable records": `openssl ca -batch` signing 1,000 CSRs with the same
# extensions in the directory given; prints certificates per second.
openssl_batch_per_second() {
  mkdir -p "$1/csr" "$1/out"
  (
    cd "$1"
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
    openssl req -x509 -key ca.key -subj "/CN=Bench CA" -days 3650 -out ca.pem 2>/dev/null
    openssl ecparam -name prime256v1 -genkey -noout -out user.key 2>/dev/null
    for i in $(seq 1 1000); do openssl req -new -key user.key -subj "/CN=user$i" -out "csr/$i.csr" 2>/dev/null; done
    touch index.txt
    cat > ca.cnf <<'CNF'
[ca]
default_ca = b
[b]
database = index.txt
new_certs_dir = out
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_days = 365
rand_serial = yes
unique_subject = no
policy = anything
x509_extensions = client
copy_extensions = none
[anything]
commonName = supplied
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://localhost:5000/pki/issuing.crl
authorityInfoAccess = OCSP;URI:http://localhost:5000/pki/ocsp,caIssuers;URI:http://localhost:5000/pki/issuing.crt
CNF
  )
  local TIMEFORMAT=%R batch_seconds
  batch_seconds=$( { time (cd "$1" && openssl ca -batch -config ca.cnf -notext -out all.pem -infiles csr/*.csr >/dev/null 2>&1); } 2>&1 )
  awk -v s="$batch_seconds" 'BEGIN { printf "%.0f", 1000 / s }'
}
