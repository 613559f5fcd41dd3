# The bot (default) or a long-running `uptime-action watch`:
#   docker build -t uptime-action .
#   docker run --env-file .env -p 3000:3000 uptime-action                 # the Probot app (npm run bot)
#   docker run -v "$PWD/.github:/app/.github:ro" -e RAILWAY_TOKEN uptime-action \
#     node dist/cli.js watch                                               # watch, config mounted
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
USER node
EXPOSE 3000
CMD ["npm", "run", "bot"]
