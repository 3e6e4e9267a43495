# health-ingest: one image for every role. `bun run start` (default CMD) runs API + worker + outbox
# + cron in one process; override CMD with ["bun","run","start:api"] / ["bun","run","start:worker"]
# for split deployments. NODE_ENV=production: JWT_SECRET must be set, /docs is off by default.

# ---- dependencies (production only, exactly as locked)
FROM oven/bun:1.4.5 AS deps
WORKDIR /app
COPY package.json bun.lock bunfig.toml ./
RUN bun install --frozen-lockfile --production

# ---- runtime
FROM oven/bun:1.4.5 AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY package.json bun.lock bunfig.toml tsconfig.json ./
COPY src ./src
COPY sql ./sql
# the image's unprivileged user; the app writes nothing to disk
USER bun
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bun", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["bun", "run", "start"]
