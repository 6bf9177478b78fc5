# Tidings: one image for both processes.
#   api:    node dist/apps/api/src/main.js      (the default)
#   worker: node dist/apps/worker/src/main.js
# Both run pending migrations at start under a Postgres advisory lock.
# Node 24 (LTS until April 2028): Node 20 reached its end of life on 2026-04-30.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY migrations ./migrations
COPY packages ./packages
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# package.json sits beside dist/: libs/config reads the version from it at runtime.
COPY --from=build /app/package.json ./package.json
COPY LICENSE ./LICENSE
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
# 3000: the api (PORT); 3001: the worker's health and metrics (WORKER_PORT).
EXPOSE 3000 3001
CMD ["node", "dist/apps/api/src/main.js"]
