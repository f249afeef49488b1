'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="panel" role="alert">
      <h1>Something went wrong</h1>
      <p className="notice error">{error.message || 'The page could not be loaded.'}</p>
      <p className="muted">If the Switchyard API is not running, start it with `npm start` and try again.</p>
      <button type="button" className="primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
