// The platform's internals, for Switchyard's own specs, fault suite and
// benchmark. Not a public API: no semver promise covers it.
export * from './platform/index.js';
export * from './db/index.js';
export * from './api/index.js';
export * from './worker/index.js';
