# syntax=docker/dockerfile:1
# FraudWeb container: build with the .NET SDK, run on the smaller ASP.NET runtime image as the non-root `app` user.
#   docker build -t fraudweb .
#   openssl rand -base64 32 > fingerprint.key; openssl rand -base64 32 > signing.key   # once; keep them with the backups
#   docker run -p 8080:8080 -v fraudweb-data:/data \
#     -e Cards__FingerprintKey="$(cat fingerprint.key)" -e Models__SigningKey="$(cat signing.key)" \
#     -e FraudWeb__PublicBaseUrl=https://fraud.example.com -e FraudWeb__KnownProxies__0=172.17.0.1 fraudweb
# The same two keys on every later run: the database refuses another fingerprint key (its cards and API keys need it).
# Outside Development the card fingerprint key and the model signing key are required (keep them in a secret store, never in the image),
# and so is the public https address. TLS ends at a proxy in front, listed in KnownProxies, which sends X-Forwarded-Proto;
# other plain-HTTP page requests are redirected to the public address. Other settings: environment variables Section__Key.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files alone, so the package layer is cached until a dependency changes.
# The props files and global.json carry the SDK pin, build rules and central package versions restore needs.
COPY global.json Directory.Build.props Directory.Packages.props FraudDetection.sln ./
COPY FraudWeb/FraudWeb.csproj FraudWeb/
COPY FraudWeb.Domain/FraudWeb.Domain.csproj FraudWeb.Domain/
RUN dotnet restore FraudWeb/FraudWeb.csproj

# Then the sources (.dockerignore keeps bin/obj out, so the restore above survives). The whole context is copied
# because .editorconfig and any committed data the app publishes are part of the build too.
COPY . .
RUN dotnet publish FraudWeb -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app

# The SQLite database and other state live on a volume owned by the image's built-in non-root user.
# A named volume inherits this ownership; a bind-mounted host folder must be writable by UID $APP_UID (1654).
# Its user's alone (0700): the database and the data-protection key ring are nobody else's to read.
# /data/mail too, so a named volume mounted there (compose.yaml's shared mail) is the app's to write.
RUN mkdir -p /data/mail && chown -R "$APP_UID" /data && chmod 700 /data /data/mail
ENV FraudWeb__DataDirectory=/data \
    ASPNETCORE_HTTP_PORTS=8080
VOLUME /data

COPY --from=build /app ./

USER $APP_UID
EXPOSE 8080

# No HEALTHCHECK: the aspnet image ships neither curl nor wget. Probe http://<container>:8080/healthz from the
# orchestrator (200 "Healthy" when the database is reachable and a model is serving, 503 otherwise).
ENTRYPOINT ["dotnet", "FraudWeb.dll"]
