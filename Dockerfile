# trailmap serve (and every other command) in a container.
#   docker build -t trailmap .
#   docker run -p 5080:5080 -v trailmap-data:/data trailmap
# runs the single-node default: events and the workspace in /data/trailmap.duckdb. docs/deploy.md shows the
# scaled-out setup (ClickHouse for events, PostgreSQL for state, two nodes behind a load balancer).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The project files first, so the restore layer is reused while only sources change.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/BannedSymbols.txt eng/
COPY src/ src/
RUN dotnet restore src/Trailmap.Cli/Trailmap.Cli.csproj
RUN dotnet publish src/Trailmap.Cli/Trailmap.Cli.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The image's unprivileged user (uid 1654) owns the data folder; the stores and the ingestion spool live there.
RUN mkdir /data && chown app:app /data
USER app
VOLUME /data
EXPOSE 5080
ENV DOTNET_gcServer=1
ENTRYPOINT ["dotnet", "/app/trailmap.dll"]
CMD ["serve", "--db", "/data/trailmap.duckdb", "--urls", "http://0.0.0.0:5080"]
