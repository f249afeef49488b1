import type { EventTree, EventTreeNode } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Badge, Time } from './bits';

/**
 * An event's correlation tree as nested lists: each event links to its page
 * and shows its jobs' states; the event on screen is marked current.
 */
export function EventTreeView({ tree }: { tree: EventTree }) {
  return (
    <ul className="tree" aria-label={`Events of correlation ${tree.correlationId}`}>
      {tree.roots.map((node) => (
        <TreeNode key={node.eventId} node={node} current={tree.eventId} />
      ))}
    </ul>
  );
}

function TreeNode({ node, current }: { node: EventTreeNode; current: string }) {
  const isCurrent = node.eventId === current;
  return (
    <li data-event-type={node.type} className={isCurrent ? 'current' : undefined}>
      <div className="row">
        {isCurrent ? (
          <strong aria-current="page">{node.type}</strong>
        ) : (
          <Link href={`/events/${node.eventId}`}>{node.type}</Link>
        )}
        <span className="mono small muted">{node.eventId}</span>
        <Time iso={node.receivedAt} />
        {node.jobs.map((job) => (
          <span key={job.id} className="small" data-job-handler={job.handler}>
            {job.handler} <Badge value={job.state} />
          </span>
        ))}
      </div>
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <TreeNode key={child.eventId} node={child} current={current} />
          ))}
        </ul>
      )}
    </li>
  );
}
