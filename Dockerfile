# stakebts in a container: node:20-slim, a non-root user, the data directory as a volume, the keystore password as a
# secret file (docs/operating.md, "Running in Docker").
#   docker build -t stakebts .
#   docker run -d --name stakebts -v stakebts-data:/data \
#     -v /etc/stakebts/stakebts.config.json:/etc/stakebts/stakebts.config.json:ro \
#     --mount type=bind,src=/etc/stakebts/password,dst=/run/secrets/stakebts_password,readonly \
#     -p 127.0.0.1:9464:9464 stakebts
# The config's `db`, `keystore` and `backup.dir` must point under /data. The password file must be mode 0600 and owned
# by uid 10001 (the container user): chown 10001 /etc/stakebts/password.
FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 has prebuilt binaries for node 20 on Debian; the toolchain is only a fallback for the build stage.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY db ./db
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production STAKEBTS_CONFIG=/etc/stakebts/stakebts.config.json
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/db ./db
COPY --from=build /app/bin ./bin
COPY docs ./docs
RUN useradd --system --uid 10001 --home /data --shell /usr/sbin/nologin stakebts \
  && mkdir -p /data && chown stakebts:stakebts /data && chmod 0700 /data
USER stakebts
VOLUME ["/data"]
EXPOSE 9464
# Files private by default (the database names clients); the password comes from the secret file, never the env.
ENTRYPOINT ["sh", "-c", "umask 077 && exec node --max-semi-space-size=4 /app/bin/stakebts.js \"$@\"", "stakebts"]
CMD ["start", "--password-file", "/run/secrets/stakebts_password", "--metrics-port", "9464", "--metrics-host", "0.0.0.0"]
