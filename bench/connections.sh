#!/usr/bin/env bash
# Hostile connections (docs/reliability.md): for SECONDS (default 60), 200 connections that never
# speak, 100 that send a request one byte a second (OCSP and sign-in), and 4 clients posting 8 MiB
# bodies, all against one portal on 127.0.0.1; a normal client asks for an OCSP answer and the
# sign-in page every 200 ms on new connections. Exits non-zero on an error or an answer over 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_RUN=${SECONDS_RUN:-60}
. bench/lib.sh
bench_prepare connections
"$bench_exe" connections "$SECONDS_RUN" "$out/connections" 2>"$out/connections.log" | grep '=' | tee "$out/connections.env"
