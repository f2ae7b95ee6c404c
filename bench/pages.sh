#!/usr/bin/env bash
# The Blazor pages, in Debian's Chromium holding the approver's certificate in its own store, in one run on this machine:
#   first page of the approver queue (empty, then 10,000 pending) and of "my certificates" (1, then 1,000)
#   server memory per open circuit, ours and the framework's own empty Blazor Server template, measured alike
# Called by bench/run.sh; runs alone too (CIRCUITS=100 by default). Servers bind to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${out:-$PWD/bench/out}
mkdir -p "$out"
CIRCUITS=${CIRCUITS:-100}
# The production configuration, as bench/run.sh sets it: outside Development the CA keys need a keeper.
export Enrollment__Ca__KeyPassphrase=${Enrollment__Ca__KeyPassphrase:-bench-passphrase}
bench_exe=bench/Enrollment.Bench/bin/Release/net10.0/Enrollment.Bench
dotnet build bench/Enrollment.Bench -c Release --nologo -v quiet >/dev/null
if [ -z "${web:-}" ]; then
  dotnet publish src/Enrollment.Web -c Release -o "$out/web" --nologo -v quiet >/dev/null
  web="$out/web/Enrollment.Web"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 1 100); do curl -ks -o /dev/null "$1" && return 0; sleep 0.2; done; echo "server at $1 did not start"; exit 1; }
value() { awk -F= -v k="$1" '$1 == k {print $2}' "$2"; }

echo "== first page in Chromium (navigation to data shown, median of 5 warm rounds)"
rm -rf "$out/pages"; mkdir -p "$out/pages"
"$bench_exe" pages "$out/pages" 2>/dev/null | tee "$out/pages.env"

echo "== the framework's empty Blazor Server template (net10.0, as dotnet new makes it)"
tpl=$out/template
rm -rf "$tpl"; mkdir -p "$tpl"
dotnet new blazor --interactivity Server --all-interactive --empty -o "$tpl/src" -n TemplateApp --no-restore >/dev/null
# Keep the repository's build settings (warnings as errors, central packages) away from the template.
echo '<Project />' > "$tpl/Directory.Build.props"
echo '<Project />' > "$tpl/Directory.Build.targets"
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' > "$tpl/Directory.Packages.props"
dotnet publish "$tpl/src" -c Release -o "$tpl/out" --nologo -v quiet >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tpl/tls.key" -out "$tpl/tls.pem" -subj /CN=localhost -days 2 2>/dev/null

# Circuits on a published template app (folder $1) over the template's TLS certificate, into the file $2.
template_circuits() {
  local port pid
  port=$(free_port)
  # From its own folder, as a published app runs: its static files (blazor.web.js) resolve against the working directory.
  (cd "$1/out" && ASPNETCORE_URLS=https://127.0.0.1:$port Kestrel__Certificates__Default__Path="$tpl/tls.pem" \
    Kestrel__Certificates__Default__KeyPath="$tpl/tls.key" Logging__LogLevel__Default=Warning exec ./TemplateApp) >"$1/server.log" 2>&1 &
  pid=$!
  wait_for "https://127.0.0.1:$port/"
  "$bench_exe" circuits "https://127.0.0.1:$port/" $pid "$CIRCUITS" 2>/dev/null | tee "$2"
  kill $pid; wait $pid 2>/dev/null || true
}

echo "== memory per open circuit ($CIRCUITS circuits, each its own browser context)"
template_circuits "$tpl" "$out/circuits-template.env"

echo "== the same template with MudBlazor (its services, the four providers and a button on the page)"
mud=$out/template-mud
rm -rf "$mud"; cp -r "$tpl" "$mud"; rm -rf "$mud/out" "$mud/src/bin" "$mud/src/obj"
mud_version=$(sed -n 's/.*Include="MudBlazor" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)
dotnet add "$mud/src" package MudBlazor --version "$mud_version" >/dev/null
sed -i 's|builder.Services.AddRazorComponents()|builder.Services.AddMudServices();\nbuilder.Services.AddRazorComponents()|; 1i using MudBlazor.Services;' "$mud/src/Program.cs"
echo '@using MudBlazor' >> "$mud/src/Components/_Imports.razor"
cat >> "$mud/src/Components/Pages/Home.razor" <<'RAZOR'
<MudThemeProvider /><MudPopoverProvider /><MudDialogProvider /><MudSnackbarProvider />
<MudButton Variant="Variant.Filled" Color="Color.Primary">MudBlazor</MudButton>
RAZOR
sed -i 's|</head>|<link href="_content/MudBlazor/MudBlazor.min.css" rel="stylesheet" /></head>|; s|</body>|<script src="_content/MudBlazor/MudBlazor.min.js"></script></body>|' "$mud/src/Components/App.razor"
dotnet publish "$mud/src" -c Release -o "$mud/out" --nologo -v quiet >/dev/null
template_circuits "$mud" "$out/circuits-template-mud.env"

data=$out/circuits-data
rm -rf "$data"
"$bench_exe" prepare-portal "$data" bench-reader@example.com "bench reader password" >/dev/null 2>&1
port=$(free_port)
"$web" --urls "https://127.0.0.1:$port" --Enrollment:DataDirectory="$data" --Logging:LogLevel:Default=Warning >"$out/circuits-portal.log" 2>&1 &
pid=$!
wait_for "https://127.0.0.1:$port/"
"$bench_exe" circuits "https://127.0.0.1:$port/" $pid "$CIRCUITS" bench-reader@example.com "bench reader password" 2>/dev/null | tee "$out/circuits-requests.env"
kill $pid; wait $pid 2>/dev/null || true

template=$(value kib_per_circuit "$out/circuits-template.env")
mudtemplate=$(value kib_per_circuit "$out/circuits-template-mud.env")
requests=$(value kib_per_circuit "$out/circuits-requests.env")
{
  echo "| Measure | Enrollment | Peer | Ratio | Target |"
  echo "|---|---|---|---|---|"
  echo "| Approver queue, 10,000 pending (Chromium, navigation to first rows on screen; prerendered) | $(value queue_rows_visible_ms_10000 "$out/pages.env") ms | | | < 300 ms |"
  echo "| Approver queue, 10,000 pending (Chromium, navigation to interactive grid) | $(value queue_first_page_ms_10000 "$out/pages.env") ms | same page, empty queue: $(value queue_first_page_ms_empty "$out/pages.env") ms | | < 400 ms |"
  echo "| The same through Playwright's client-certificate proxy (how this bench measured before) | $(value queue_first_page_ms_10000_playwright_proxy "$out/pages.env") ms | | | |"
  echo "| Approver queue, server part (authorize, gate, count, first 20) | $(value queue_service_ms_10000 "$out/pages.env") ms | empty: $(value queue_service_ms_empty "$out/pages.env") ms | | < 300 ms |"
  echo "| My certificates, 1,000 certificates (Chromium, navigation to rows shown) | $(value my_certificates_ms_1000 "$out/pages.env") ms | 1 certificate: $(value my_certificates_ms_1 "$out/pages.env") ms | | |"
  for kind in interactive_ms warm_interactive_ms; do
    a=$(value $kind "$out/circuits-requests.env"); b=$(value $kind "$out/circuits-template.env")
    echo "| Navigation to first interactive render, my requests, $([ $kind = interactive_ms ] && echo "new browser context" || echo "warm context") | $a ms | template: $b ms | $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}') | |"
  done
  echo "| Memory per circuit, my requests (signed in, two MudDataGrids) | ${requests} KiB | template: ${template} KiB | $(awk -v a="$requests" -v b="$template" 'BEGIN{printf "%.2f", a/b}') | <= 2 |"
  echo "| Memory per circuit, my requests | ${requests} KiB | template with MudBlazor: ${mudtemplate} KiB | $(awk -v a="$requests" -v b="$mudtemplate" 'BEGIN{printf "%.2f", a/b}') | |"
} | tee "$out/pages.md"
