import type { NextConfig } from 'next';
import { join } from 'node:path';

const config: NextConfig = {
  // The repository type-checks the console with its own TypeScript 7 (`npm run typecheck`);
  // Next's build-time checker needs the TypeScript 5 compiler API, which 7 no longer ships.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // Server-sent events pass through app/api/stream; do not let compression buffer them.
  compress: false,
  // The container image (deploy/docker/Dockerfile) builds with NEXT_OUTPUT=standalone: a
  // server.js with only the traced node_modules, no npm install in the image. Traced from
  // the repository root, as npm workspaces hoist the console's dependencies there. Other
  // builds stay ordinary, as `next start` (npm start, the e2e tests) needs.
  ...(process.env.NEXT_OUTPUT === 'standalone' ? { output: 'standalone' as const, outputFileTracingRoot: join(__dirname, '..', '..') } : {}),
};

export default config;
