import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyInputError, type ApiKeyRecord, ApiKeyStore } from '../../../foundation/auth/api-key-store.js';
import { KEY_CACHE_TTL_MS } from '../../../foundation/auth/api-key-verifier.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { SCOPES } from '../../../foundation/auth/scopes.js';
import { AccessRepository } from '../../../foundation/repositories/access.repository.js';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../auth/route-access.js';
import { actorOf, principalOf } from '../auth/request-principal.js';
import { jsonObjectBody } from '../http/json-body.js';
import { ref } from '../openapi.js';

const keyRecord = {
  type: 'object',
  required: ['id', 'name', 'prefix', 'scopes', 'rateLimitPerSec', 'createdAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The 8 characters after `sy_` in the token; safe to show' },
    scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
    rateLimitPerSec: { type: 'integer', nullable: true, description: 'null: the default (INGEST_RATE_LIMIT_PER_SEC); 0: unlimited' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: 'string', format: 'date-time', nullable: true },
    lastUsedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
const actorHeader = { name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' };

function inputProblem(error: unknown): never {
  if (error instanceof ApiKeyInputError) throw new ProblemError(problems.invalidRequest(error.message));
  throw error;
}

/** `{name, scopes, rateLimitPerSec?}` checked for shape; ApiKeyStore checks the values. */
function newKeyFrom(body: Record<string, unknown>): { name: string; scopes: string[]; rateLimitPerSec: number | null } {
  const { name, scopes, rateLimitPerSec = null } = body;
  if (typeof name !== 'string') throw new ProblemError(problems.invalidRequest('name must be a string'));
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    throw new ProblemError(problems.invalidRequest(`scopes must be an array of scope names (${SCOPES.join(', ')})`));
  }
  if (rateLimitPerSec !== null && typeof rateLimitPerSec !== 'number') throw new ProblemError(problems.invalidRequest('rateLimitPerSec must be a number or null'));
  return { name, scopes, rateLimitPerSec };
}

/**
 * API keys, managed from the console's Keys page (its server holds an admin
 * key; browsers never call these). The same store and checks as `npm run
 * keys`; every change is audited under the signed-in user (X-Actor).
 */
@ApiTags('console')
@Controller('v1/console/keys')
export class ConsoleKeysController {
  private readonly keys: ApiKeyStore;

  constructor(access: AccessRepository) {
    this.keys = new ApiKeyStore(access);
  }

  @Get()
  @RequireScope('admin')
  @ApiOperation({ summary: 'Every API key, revoked ones included, without secrets' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: keyRecord } })
  list(): Promise<ApiKeyRecord[]> {
    return this.keys.list();
  }

  @Post()
  @RequireScope('admin')
  @HttpCode(201)
  @ApiHeader(actorHeader)
  @ApiOperation({ summary: 'Create a key; its token is in this answer and nowhere else, ever (audited)' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['name', 'scopes'],
      properties: { name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } }, rateLimitPerSec: { type: 'integer', nullable: true, minimum: 0 } },
    },
  })
  @ApiResponse({ status: 201, schema: { type: 'object', required: ['key', 'token'], properties: { key: keyRecord, token: { type: 'string' } } } })
  @ApiResponse({ status: 400, schema: ref('Problem') })
  create(@Req() request: FastifyRequest): Promise<{ key: ApiKeyRecord; token: string }> {
    return this.keys.create(newKeyFrom(jsonObjectBody(request)), actorOf(request)).catch(inputProblem);
  }

  @Post(':name/revoke')
  @RequireScope('admin')
  @HttpCode(200)
  @ApiHeader(actorHeader)
  @ApiOperation({ summary: `Revoke a key: every API process refuses it within ${KEY_CACHE_TTL_MS / 1000} s (audited)` })
  @ApiResponse({ status: 200, schema: keyRecord })
  @ApiResponse({ status: 404, schema: ref('Problem') })
  @ApiResponse({ status: 409, schema: ref('Problem') })
  async revoke(@Param('name') name: string, @Req() request: FastifyRequest): Promise<ApiKeyRecord> {
    // The console would lock itself (and every signed-in user) out.
    if (principalOf(request)?.name === name) throw new ProblemError(conflict(`"${name}" is the key making this request (the console's own key); revoke it with switchyard keys once the console uses another`));
    if (!(await this.keys.revoke(name, actorOf(request)))) {
      const key = await this.keys.findByName(name);
      if (!key) throw new ProblemError(problems.notFound(`No key named "${name}"`));
      throw new ProblemError(conflict(`Key "${name}" was already revoked at ${key.revokedAt!.toISOString()}`));
    }
    return (await this.keys.findByName(name))!;
  }
}

function conflict(detail: string) {
  return { type: 'urn:switchyard:problem:key-conflict', title: 'Conflict', status: 409, detail };
}
