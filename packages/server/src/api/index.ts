export { apiEnvSchema, toApiConfig } from './api-config.js';
export { API_CONFIG } from './api-config.js';
export type { ApiConfig, ApiEnv } from './api-config.js';
export { ApiModule } from './api.module.js';
export type { ApiModuleOptions } from './api.module.js';
export { createApiApp } from './create-api-app.js';
export { createApi } from './create-api.js';
export type { CreateApiOptions, SwitchyardApi } from './create-api.js';
