import type { RouteInfo } from '@switchyard/core/contracts';
import { Empty } from './bits';

/** The handlers of one queue as the routing table has them: what they subscribe to, their content filter and delivery mode. */
export function RouteTable({ routes }: { routes: RouteInfo[] }) {
  if (routes.length === 0) return <Empty>No handler on this queue is deployed in the API.</Empty>;
  return (
    <table aria-label="Handlers">
      <thead>
        <tr>
          <th>Handler</th>
          <th>Subscribes to</th>
          <th>Filter</th>
          <th>Delivery</th>
          <th className="num">Attempts</th>
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
          </tr>
        ))}
      </tbody>
    </table>
  );
}
