import { Ago } from '../../../components/ago';
import { KeyCreateForm } from '../../../components/key-create-form';
import { KeyRevokeButton } from '../../../components/key-revoke-button';
import { Problem } from '../../../components/problem';
import { api } from '../../../lib/api';
import { apiKeyPrefix } from '../../../lib/config';
import { timestamp } from '../../../lib/format';
import { load } from '../../../lib/load';
import { currentSession } from '../../../lib/session';

type Key = { name: string; prefix: string; scopes: string[]; rateLimitPerSec: number | null; createdAt: string; revokedAt: string | null; lastUsedAt: string | null };

function rate(key: Key): string {
  if (key.rateLimitPerSec === null) return 'default';
  return key.rateLimitPerSec === 0 ? 'unlimited' : `${key.rateLimitPerSec}/s`;
}

/** API keys, for admins: list, create (the token shown once), revoke. Same store and checks as `switchyard keys`. */
export default async function KeysPage() {
  const session = (await currentSession())!;
  if (session.role !== 'admin') return <p className="notice error" role="alert">Forbidden: only admins manage API keys.</p>;
  const loaded = await load(() => api<Key[]>('/v1/console/keys'));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  return (
    <>
      <h1>API keys</h1>
      <section className="panel" aria-labelledby="list">
        <h2 id="list">Keys</h2>
        <table>
          <thead>
            <tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Rate limit</th><th>State</th><th>Last used</th><th>Change</th></tr>
          </thead>
          <tbody>
            {loaded.data.map((key) => (
              <tr key={key.name} data-key={key.name}>
                <td>{key.name}{key.prefix === apiKeyPrefix && <span className="muted small"> (this console’s key)</span>}</td>
                <td className="mono">sy_{key.prefix}_…</td>
                <td>{key.scopes.join(', ')}</td>
                <td>{rate(key)}</td>
                <td>{key.revokedAt ? <span className="badge discarded" title={timestamp(key.revokedAt)}>revoked</span> : <span className="badge ok">active</span>}</td>
                <td>{key.lastUsedAt ? <Ago iso={key.lastUsedAt} /> : 'never'}</td>
                <td><KeyRevokeButton name={key.name} revoked={key.revokedAt !== null} own={key.prefix === apiKeyPrefix} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="create">
        <h2 id="create">New key</h2>
        <KeyCreateForm />
      </section>
    </>
  );
}
