/**
 * Makes Postgres end the session if it sits idle inside the current
 * transaction longer than `$1` ms (`set_config(..., true)`: this transaction
 * only). For transactions holding rows other replicas wait on or skip: a
 * process frozen mid-transaction (SIGSTOP, a paused VM, a stalled host)
 * keeps its connection open, so without a limit its row locks hold up the
 * others for as long as it stays frozen. Ended, the transaction rolls back,
 * which each caller must be able to afford (its work is redone by another).
 */
export const LIMIT_IDLE_IN_TRANSACTION_SQL = "SELECT set_config('idle_in_transaction_session_timeout', $1, true)";

/** The parameter of LIMIT_IDLE_IN_TRANSACTION_SQL for `ms`. */
export function idleLimit(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)));
}
