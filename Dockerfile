# syntax=docker/dockerfile:1
# mcpo: the read-only query server (`mcpo serve`) as an image.
#
#   docker build -t registry.example.com/platform/mcpo:0.1.0 .
#
# Runs as uid/gid 65532 with a read-only root filesystem: the only writable
# places it needs are $HOME / MCPO_CACHE_DIR (the clone cache) and /tmp, both
# emptyDirs in deploy/. docs/deploy.md has the rest.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: `prepare` would compile before the sources are here; the build is the next step.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
# git for following the repository, openssh-client for SSH remotes, tini as PID 1: it reaps the
# helpers (git-remote-https, ssh) of a fetch killed at its timeout, which node as PID 1 would leave as zombies.
# The user has a passwd entry: ssh refuses to run for a uid without one.
# Packages unpinned on purpose (DL3008): the base image pins the release, and
# git/openssh security fixes should reach the next build.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 mcpo \
 && useradd --uid 65532 --gid 65532 --home-dir /var/cache/mcpo --no-create-home --shell /usr/sbin/nologin mcpo
# MALLOC_ARENA_MAX=1: glibc gives each thread that mallocs (V8's GC and compiler threads, the
# build worker) an arena of its own, and the free memory they keep under load held ~100 MiB of
# RSS at 10,000 templates (~270 MiB after load against ~150 with one arena; no throughput lost).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=1 \
    HOME=/var/cache/mcpo \
    MCPO_CACHE_DIR=/var/cache/mcpo \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/build ./build
COPY bin ./bin
COPY spec ./spec
COPY openapi ./openapi
USER 65532:65532
# gRPC, HTTP/JSON
EXPOSE 50051 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/mcpo.js", "serve"]
CMD ["--host", "0.0.0.0", "--port", "50051", "--http-port", "8080"]
