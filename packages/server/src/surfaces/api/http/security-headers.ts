import type { FastifyInstance } from 'fastify';

// JSON answers need nothing from a browser: no scripts, no frames, no base.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// The Swagger UI at /docs loads its own scripts and styles (some inline styles) and data: images.
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const EXPOSED_HEADERS = 'Location, Retry-After, Idempotent-Replayed, WWW-Authenticate';

/**
 * Security headers on every answer (errors included), and CORS: closed unless
 * CORS_ORIGINS lists the origin. A preflight from a listed origin is answered
 * here, allowing every method some route serves; one from any other origin
 * gets no CORS headers (the browser then refuses), and the API answers it like
 * any unknown route. Install before the routes are registered (Nest does at
 * init): the allowed methods are collected as they are.
 */
export function installSecurityHeaders(fastify: FastifyInstance, corsOrigins: string[]): void {
  const allowed = new Set(corsOrigins);
  // From the routes themselves, so a route with a new method is open to the same origins as the rest.
  const routedMethods = new Set<string>();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'OPTIONS') routedMethods.add(method);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    const docs = path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-');
    void reply
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Frame-Options', 'DENY')
      .header('Referrer-Policy', 'no-referrer')
      .header('Content-Security-Policy', docs ? DOCS_CSP : API_CSP);
    // Answers under /v1 carry events, dead letters and queue state: no cache may keep them.
    if (path.startsWith('/v1/') || path === '/v1') void reply.header('Cache-Control', 'no-store');
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    void reply.header('Vary', 'Origin');
    if (!allowed.has(origin)) return done();
    void reply.header('Access-Control-Allow-Origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      const requested = request.headers['access-control-request-headers'];
      void reply
        .code(204)
        .header('Access-Control-Allow-Methods', [...routedMethods].join(', '))
        .header('Access-Control-Allow-Headers', typeof requested === 'string' && /^[A-Za-z0-9 ,-]*$/.test(requested) ? requested : 'Authorization, Content-Type')
        .header('Access-Control-Max-Age', '600')
        .send();
      return;
    }
    void reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    done();
  });
}
