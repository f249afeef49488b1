import type { RouteInfo } from '@switchyard/core/contracts';
import { Ago } from './ago';
import { Badge, Empty, Time } from './bits';
import { RouteRetireButton } from './route-retire-button';

/**
 * The handlers of one queue as the route registry has them: what they
 * subscribe to, their content filter and delivery mode, the worker version
 * that defined each, the workers running it (with their versions and last
 * heartbeat), and Retire.
 */
export function RouteTable({ routes }: { routes: RouteInfo[] }) {
  if (routes.length === 0) return <Empty>No handler on this queue is in the route registry: no worker has registered one, or they were retired.</Empty>;
  return (
    <table aria-label="Handlers">
      <thead>
        <tr>
          <th>Handler</th>
          <th>Subscribes to</th>
          <th>Filter</th>
          <th>Delivery</th>
          <th className="num">Attempts</th>
          <th>Defined by</th>
          <th>Workers</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {routes.map((route) => (
          <tr key={route.handler} data-route={route.handler}>
            <td>{route.handler}</td>
            <td className="mono small">{route.patterns.join(', ')}</td>
            <td className="mono small">{route.filter ? JSON.stringify(route.filter) : <span className="muted">every event</span>}</td>
            <td>{route.delivery}</td>
            <td className="num">{route.attempts}</td>
            <td className="small" data-cell="defined-by">
              {route.registration ? (
                <>
                  <span className="mono">{route.registration.version}</span>
                  <br />
                  <span className="muted">
                    since <Time iso={route.registration.updatedAt} />
                    <br />
                    registered <Time iso={route.registration.registeredAt} />
                  </span>
                </>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td className="small" data-cell="workers">
              <Workers route={route} />
            </td>
            <td>
              <RouteRetireButton handler={route.handler} queue={route.queue} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Online workers first; each with its version and last heartbeat, flagged when it runs other options (mid-deploy). */
function Workers({ route }: { route: RouteInfo }) {
  const workers = route.registration?.workers ?? [];
  if (workers.length === 0) return <span className="muted">none registered</span>;
  const ordered = [...workers].sort((a, b) => Number(b.online) - Number(a.online));
  return (
    <>
      <Badge value={route.registration!.workersOnline > 0 ? 'ok' : 'critical'} label={`${route.registration!.workersOnline} online`} />
      <ul className="plain">
        {ordered.map((worker) => (
          <li key={worker.workerId} data-worker={worker.workerId}>
            <span className="mono">{worker.workerId}</span> <span className="mono muted">{worker.version}</span>{' '}
            {worker.online ? <Badge value="ok" label="online" /> : <Badge value="unknown" label="offline" />}{' '}
            {!worker.sameOptions && <Badge value="warn" label="other options" />} <span className="muted">seen <Ago iso={worker.lastSeenAt} /></span>
          </li>
        ))}
      </ul>
    </>
  );
}
