'use client';

import type { ScheduleSummary } from '@switchyard/core/contracts';
import Link from 'next/link';
import { pauseSchedule, resumeSchedule } from '../app/actions';
import { Ago } from './ago';
import { Empty, Time } from './bits';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';

/** `0 6 * * * · Europe/Berlin` or `every 5 s`. */
function timing(schedule: ScheduleSummary): string {
  if (schedule.kind === 'cron') return `${schedule.cron} · ${schedule.timeZone}`;
  const ms = schedule.intervalMs ?? 0;
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `every ${ms / size} ${unit}`;
  }
  return `every ${ms} ms`;
}

/** Every schedule: what it emits, when, when it last did; pause and resume for operators. */
export function ScheduleTable({ schedules }: { schedules: ScheduleSummary[] }) {
  const { csrfToken, can } = useConsoleSession();
  if (schedules.length === 0) return <Empty>No schedules: create one with POST /v1/schedules or declare one with @EventSchedule.</Empty>;
  return (
    <section className="panel" style={{ overflowX: 'auto' }}>
      <table>
        <thead>
          <tr>
            <th>Schedule</th>
            <th>Emits</th>
            <th>When</th>
            <th>Catch-up</th>
            <th>Next fire</th>
            <th>Last fire</th>
            <th>State</th>
            <th>Control</th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((schedule) => (
            <tr key={schedule.name} data-schedule={schedule.name}>
              <td>
                {schedule.name} <span className="badge" title={schedule.origin === 'code' ? 'Declared in code with @EventSchedule' : `Created over the API by ${schedule.createdBy}`}>{schedule.origin}</span>
              </td>
              <td>
                <code>{schedule.type}</code>
              </td>
              <td>
                <code>{timing(schedule)}</code>
              </td>
              <td>{schedule.catchUp}</td>
              <td>{schedule.paused ? <span className="muted">—</span> : <Time iso={schedule.nextFireAt} />}</td>
              <td>
                {schedule.lastEventId ? (
                  <Link href={`/events/${schedule.lastEventId}`}>
                    <Ago iso={schedule.lastFiredAt} />
                  </Link>
                ) : (
                  <Ago iso={schedule.lastFiredAt} />
                )}
                {schedule.lastError && (
                  <div className="notice error small" role="note">
                    {schedule.lastError}
                  </div>
                )}
              </td>
              <td data-testid="schedule-state">{schedule.paused ? <span className="badge warn">paused</span> : <span className="badge ok">active</span>}</td>
              <td>
                {schedule.paused ? (
                  <ConfirmButton label="Resume" prompt={`Resume ${schedule.name}? It fires again from its next tick; ticks passed while paused are not caught up.`} run={() => resumeSchedule(csrfToken, schedule.name)} disabled={!can('operator')} disabledReason="Needs the operator role" />
                ) : (
                  <ConfirmButton label="Pause" prompt={`Pause ${schedule.name}? It emits nothing until resumed.`} tone="danger" run={() => pauseSchedule(csrfToken, schedule.name)} disabled={!can('operator')} disabledReason="Needs the operator role" />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
