# The GitHub App (the default CMD) or a long-running `uptime-action watch`, both from the bundles in dist/:
# the image holds no node_modules and no sources. It runs as the unprivileged `node` user; the only place it
# writes is the /data volume (docs/docker.md). `docker compose up` runs the bot (docker-compose.yml).
#
#   docker build -t uptime-action .
#   docker run --init --env-file .env -p 3000:3000 uptime-action
#   docker run --init -v uptime-data:/data -v "$PWD/.github:/app/.github:ro" -e RAILWAY_TOKEN uptime-action node dist/cli.js watch --state /data/state.json
#   docker run -v uptime-data:/data -v "$PWD/.github:/app/.github:ro" -e RAILWAY_TOKEN uptime-action node dist/cli.js sweep --state /data/state.json
#
# (test/docker/recipes.test.ts runs these `docker run` lines, without Docker, as a non-root user.)

# Build: every dependency is a development dependency bundled into dist/ by scripts/build.mjs.
FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.mjs --outdir /src/dist

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/dist ./dist
COPY package.json app.yml ./
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
CMD ["node", "dist/bot.js"]
