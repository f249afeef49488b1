import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="panel">
      <h1>Not found</h1>
      <p className="muted">Nothing here. It may have been removed, or the link is mistyped.</p>
      <Link href="/">Back to the overview</Link>
    </div>
  );
}
