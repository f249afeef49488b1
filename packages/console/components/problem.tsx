export function Problem({ title = 'Could not load this page', error }: { title?: string; error: string }) {
  return (
    <div className="panel" role="alert">
      <h1>{title}</h1>
      <p className="notice error">{error}</p>
    </div>
  );
}
