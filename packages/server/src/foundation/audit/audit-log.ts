import { Injectable } from '@nestjs/common';
import type { TransactionClient } from '../../db/index.js';
import { type AuditEntry, AuditRepository } from '../repositories/audit.repository.js';
import type { Principal } from '../auth/api-key-verifier.js';

export type { AuditEntry };

/**
 * Writes the audit row of an operator action, inside the transaction of the
 * action itself: an action is never done without its record, nor recorded
 * without being done.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly audit: AuditRepository) {}

  /** Records `entry` in `tx`, the action's own transaction; returns the row's id. */
  record(tx: TransactionClient, entry: AuditEntry): Promise<bigint> {
    return this.audit.record(tx, entry);
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
