'use client';

import { retireRoute } from '../app/actions';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';

/** Retire a route after a confirmation that says what it does (DELETE /v1/routes/{handler}, audited). */
export function RouteRetireButton({ handler, queue }: { handler: string; queue: string }) {
  const { csrfToken, can } = useConsoleSession();
  return (
    <ConfirmButton
      label="Retire"
      prompt={`Retire ${handler}? Events stop fanning out to it; jobs already in ${queue} stay. A worker that starts with the handler registers it again.`}
      confirmLabel={`Retire ${handler}`}
      tone="danger"
      run={() => retireRoute(csrfToken, handler, queue)}
      disabled={!can('operator')}
      disabledReason="Needs the operator role"
    />
  );
}
