# One image for the API, the workers and the console (the command picks which).
# Build: docker build -t switchyard .   Run: see docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm ci --no-audit --no-fund \
 && node scripts/prisma-generate.mjs \
 && node scripts/build.mjs \
 && (cd apps/console && node ../../node_modules/next/dist/bin/next build) \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["node", "--max-old-space-size=128", "--enable-source-maps", "apps/api/dist/main.js"]
