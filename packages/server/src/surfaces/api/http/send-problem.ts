import type { Problem } from '@switchyard/core/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Answers from a Fastify hook (before Nest's exception filter is in play) with problem+json. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply
    .code(problem.status)
    .headers(headers)
    .header('Content-Type', 'application/problem+json; charset=utf-8')
    .send(JSON.stringify({ ...problem, instance: problem.instance ?? request.url.split('?')[0] }));
}
