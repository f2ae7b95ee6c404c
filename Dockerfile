# Enrollment portal image. Not built on the project's build machines (no Docker engine there);
# kept in step with the csproj settings (net10.0, framework-dependent on the ASP.NET Core runtime image).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The build bundles the browser key-generation script (pkijs, asn1js) with esbuild from npm.
RUN apt-get update && apt-get install -y --no-install-recommends npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Enrollment.Web/Enrollment.Web.csproj -c Release -r linux-x64 --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN useradd --system --home-dir /var/lib/enrollment enrollment \
    && mkdir -p /var/lib/enrollment && chown enrollment /var/lib/enrollment
USER enrollment
ENV Enrollment__DataDirectory=/var/lib/enrollment \
    ASPNETCORE_URLS="https://+:8443;http://+:8080"
EXPOSE 8080 8443
VOLUME /var/lib/enrollment
ENTRYPOINT ["./Enrollment.Web"]
