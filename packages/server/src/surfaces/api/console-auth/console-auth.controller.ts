import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type ConsoleSession, ConsoleSessionStore } from '../../../foundation/console-auth/console-session-store.js';
import { ConsoleUserInputError, ConsoleUserStore, normaliseUsername } from '../../../foundation/console-auth/console-user-store.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { SignInThrottle, SignInThrottleUnavailableError } from '../../../foundation/console-auth/sign-in-throttle.js';
import type { ConsoleUser } from '../../../foundation/console-auth/console-user-store.js';
import { AccessRepository } from '../../../foundation/repositories/access.repository.js';
import type { FastifyRequest } from 'fastify';
import { jsonObjectBody as objectBody } from '../http/json-body.js';
import { RequireScope } from '../auth/route-access.js';
import { actorOf } from '../auth/request-principal.js';

const SESSION_HEADER = 'x-console-session';
const GENERIC_FAILURE = 'Wrong username or password';

function text(body: unknown, field: string, max = 1024): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new ProblemError(problems.invalidRequest(`${field} must be a non-empty string of at most ${max} characters`));
  return value;
}

/** Without Redis the throttle can neither check nor count failures, so passwords are not checked either: 503, not a sign-in. */
function unavailableProblem(error: unknown): never {
  if (error instanceof SignInThrottleUnavailableError) {
    throw new ProblemError(problems.unavailable('Sign-in is unavailable: its throttle is kept in Redis, which does not answer. Retry shortly.'), { 'Retry-After': '5' });
  }
  throw error;
}

function inputProblem(error: unknown): never {
  if (error instanceof ConsoleUserInputError) throw new ProblemError(problems.invalidRequest(error.message));
  throw error;
}

/**
 * Console sign-in, for the console's server only: it holds an admin key and
 * keeps the session token in an httpOnly cookie; browsers never call these.
 */
@ApiTags('console')
@Controller('v1/console')
export class ConsoleAuthController {
  private readonly users: ConsoleUserStore;
  private readonly sessions: ConsoleSessionStore;

  constructor(
    access: AccessRepository,
    private readonly throttle: SignInThrottle,
  ) {
    this.users = new ConsoleUserStore(access);
    this.sessions = new ConsoleSessionStore(access);
  }

  @Post('sessions')
  @RequireScope('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Sign a console user in: a session token and its CSRF token; one generic 422 for any failure, 429 while throttled' })
  async signIn(@Req() request: FastifyRequest): Promise<{ token: string; session: ConsoleSession }> {
    const body = objectBody(request);
    const username = normaliseUsername(text(body, 'username', 200));
    const password = text(body, 'password');
    const subjects = { username, address: typeof body.clientIp === 'string' && body.clientIp.trim() ? body.clientIp : 'unknown' };
    // Before the password is hashed: a refused attempt costs no CPU.
    const wait = await this.throttle.admit(subjects).catch(unavailableProblem);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ProblemError(
        { type: 'urn:switchyard:problem:sign-in-throttled', title: 'Too many sign-in attempts', status: 429, detail: `Too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} min` },
        { 'Retry-After': String(seconds) },
      );
    }
    const signedIn = await this.sessions.signIn(username, password);
    // Not 401: in this API that means "your API key", and the console's key is fine.
    if (!signedIn) throw new ProblemError({ type: 'urn:switchyard:problem:sign-in-failed', title: 'Sign-in failed', status: 422, detail: GENERIC_FAILURE });
    await this.throttle.succeeded(subjects);
    return signedIn;
  }

  @Get('session')
  @RequireScope('admin')
  @ApiOperation({ summary: 'The session the X-Console-Session token names (who, role, CSRF token); 404 when it has ended' })
  async current(@Req() request: FastifyRequest): Promise<ConsoleSession> {
    const token = request.headers[SESSION_HEADER];
    const session = typeof token === 'string' && token ? await this.sessions.current(token) : null;
    if (!session) throw new ProblemError(problems.notFound('No such session, or it has ended'));
    return session;
  }

  @Delete('session')
  @RequireScope('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: the X-Console-Session token stops working at once' })
  async signOut(@Req() request: FastifyRequest): Promise<void> {
    const token = request.headers[SESSION_HEADER];
    if (typeof token === 'string' && token) await this.sessions.signOut(token);
  }

  @Get('users')
  @RequireScope('admin')
  @ApiResponse({ status: 200, description: 'Console users, without their password hashes' })
  listUsers(): Promise<ConsoleUser[]> {
    return this.users.list();
  }

  @Post('users')
  @RequireScope('admin')
  @HttpCode(201)
  @ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
  @ApiOperation({ summary: 'Create a console user (audited)' })
  async createUser(@Req() request: FastifyRequest): Promise<ConsoleUser> {
    const body = objectBody(request);
    return this.users.create({ username: text(body, 'username', 200), password: text(body, 'password'), role: text(body, 'role', 20) }, actorOf(request)).catch(inputProblem);
  }

  @Patch('users/:username')
  @RequireScope('admin')
  @ApiHeader({ name: 'X-Actor', required: false, description: 'Who acts, for the audit trail; honoured from admin keys only' })
  @ApiOperation({ summary: 'Change a user: {"role": …} or {"disabled": true} (audited)' })
  async changeUser(@Param('username') username: string, @Req() request: FastifyRequest): Promise<ConsoleUser> {
    const body = objectBody(request);
    if (body.disabled === true) return this.users.disable(username, actorOf(request)).catch(inputProblem);
    return this.users.setRole(username, text(body, 'role', 20), actorOf(request)).catch(inputProblem);
  }
}
