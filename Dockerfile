# LGVO API container image: a build stage with the compilers and -dev packages, and a runtime
# stage with only the shared libraries the server loads (Debian 12 "bookworm" package names).
#
#   docker build -t lgvo-api .
#   docker compose up          # with PostgreSQL 15, see docker-compose.yml
#
# The server reads its configuration from LGVO_* variables (api/src/config.c); at least
# LGVO_DATABASE_URL must be given at run time.

# ---------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS build

# The same -dev packages as BUILD_PACKAGES in scripts/lib/common.sh, less the PostgreSQL server.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc make cmake pkg-config \
      libulfius-dev libmicrohttpd-dev libjansson-dev libpq-dev libjwt-dev libsodium-dev \
      libssl-dev \
 && rm -rf /var/lib/apt/lists/*

# The binary compiles in its default directories from the CMake tree: the schema and OpenAPI
# directories from the source tree (CMAKE_SOURCE_DIR/schema, .../openapi) and the plugin
# directory from the build tree (CMAKE_BINARY_DIR/plugins). Building with the source in
# /usr/share/lgvo-api and the build tree in /usr/lib/lgvo-api makes those defaults the very
# paths the runtime stage installs to, so even a directory without an LGVO_* variable (the
# OpenAPI one has none today) is found. The ENV lines below set them explicitly anyway.
WORKDIR /usr/share/lgvo-api
COPY . .
# Each plugin is its .so plus, beside it, a directory with its migrations and OpenAPI fragment
# (the descriptor names them relative to the plugin directory).
RUN cmake -S . -B /usr/lib/lgvo-api -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build /usr/lib/lgvo-api -j"$(nproc)" \
 && mkdir -p /stage/plugins /usr/lib/lgvo-api/plugins \
 && find /usr/lib/lgvo-api/plugins -maxdepth 1 -name '*.so' -exec cp {} /stage/plugins/ \; \
 && for so in /stage/plugins/*.so; do \
      slug=$(basename "$so" .so); \
      mkdir -p "/stage/plugins/$slug" \
      && cp -r "plugins/$slug/migrations" "plugins/$slug/openapi.json" "/stage/plugins/$slug/"; \
    done \
 && /usr/lib/lgvo-api/lgvo-api version

# ---------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# Runtime libraries only; curl is for the HEALTHCHECK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libulfius2.7 libmicrohttpd12 libjansson4 libpq5 libjwt0 libsodium23 libssl3 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 lgvo \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --no-log-init lgvo

COPY --from=build /usr/lib/lgvo-api/lgvo-api /usr/local/bin/lgvo-api
COPY --from=build /usr/share/lgvo-api/schema /usr/share/lgvo-api/schema
COPY --from=build /usr/share/lgvo-api/openapi /usr/share/lgvo-api/openapi
COPY --from=build /stage/plugins /usr/lib/lgvo-api/plugins

ENV LGVO_SCHEMA_DIR=/usr/share/lgvo-api/schema \
    LGVO_PLUGIN_DIR=/usr/lib/lgvo-api/plugins \
    LGVO_LISTEN=0.0.0.0:8080

USER 10001:10001
EXPOSE 8080
# Ready = the database answers and its migrations are current (GET /health/ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
# SIGTERM drains open requests (LGVO_SHUTDOWN_TIMEOUT, default 10 s) and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/lgvo-api"]
CMD ["serve"]
