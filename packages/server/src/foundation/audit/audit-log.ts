import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../db/index.js';
import type { Principal } from '../auth/api-key-verifier.js';

export interface AuditEntry {
  actor: string;
  /** What was done: `dead-letter.retry`, `queue.pause`, `events.replay`, … */
  action: string;
  /** What it was done to: `dead-letter:<id>`, `queue:<name>`, `operation:<id>`. */
  target: string;
  filter?: unknown;
  count?: number;
  detail?: unknown;
  operationId?: string;
}

/**
 * Writes the audit row of an operator action, inside the transaction of the
 * action itself: an action is never done without its record, nor recorded
 * without being done.
 */
@Injectable()
export class AuditLog {
  async record(tx: TransactionClient, entry: AuditEntry): Promise<bigint> {
    const row = await tx.auditLog.create({
      data: {
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        filter: entry.filter === undefined ? undefined : (entry.filter as object),
        count: entry.count ?? 1,
        detail: entry.detail === undefined ? undefined : (entry.detail as object),
        operationId: entry.operationId,
      },
      select: { id: true },
    });
    return row.id;
  }
}

/**
 * Who is acting, for the audit trail. With API keys: the key (`key:<name>`),
 * or the person an `admin` key vouches for in X-Actor (the console's server,
 * acting for its operator). Other keys cannot name someone else: their
 * X-Actor is ignored. Without keys (AUTH_MODE=off): X-Actor, else `anonymous`.
 */
export function actorFrom(headers: Record<string, string | string[] | undefined>, principal: Pick<Principal, 'name' | 'scopes'> | null = null): string {
  const raw = headers['x-actor'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  const named = value && /^[\x20-\x7e]{1,200}$/.test(value) ? value : null;
  if (principal === null) return named ?? 'anonymous';
  return named !== null && principal.scopes.includes('admin') ? named : `key:${principal.name}`;
}
