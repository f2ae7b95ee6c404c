# Sourced by the campaign scripts (fuzz, races, crash, connections): a clean output folder for the
# campaign NAME ($out/NAME) and the Release build of Enrollment.Bench ($bench_exe).
bench_prepare() {
    out=${out:-$PWD/bench/out}
    rm -rf "${out:?}/$1"; mkdir -p "$out/$1"
    # Quiet when it builds; the compiler's own words when it does not.
    dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null \
        || { dotnet build bench/Enrollment.Bench -c Release --nologo | grep -E "error|warn" >&2; return 1; }
    bench_exe=bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench
}
