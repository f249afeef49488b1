import { Problem } from '../../../components/problem';
import { api } from '../../../lib/api';
import { load } from '../../../lib/load';
import { currentSession } from '../../../lib/session';
import { changeUser, createUser } from './actions';

type User = { username: string; role: string; createdAt: string; disabledAt: string | null };
const ROLES = ['viewer', 'operator', 'admin'];

/** Console users, for admins: create, change role, disable. API keys are on the Keys page. */
export default async function UsersPage({ searchParams }: { searchParams: Promise<{ ok?: string; error?: string }> }) {
  const session = (await currentSession())!;
  if (session.role !== 'admin') return <p className="notice error" role="alert">Forbidden: only admins manage users.</p>;
  const { ok, error } = await searchParams;
  const loaded = await load(() => api<User[]>('/v1/console/users'));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  return (
    <>
      <h1>Users</h1>
      {ok && <p className="notice success" role="status">{ok}</p>}
      {error && <p className="notice error" role="alert">{error}</p>}
      <section className="card" aria-labelledby="list">
        <h2 id="list">Console users</h2>
        <table>
          <thead>
            <tr><th>User</th><th>Role</th><th>State</th><th>Change</th></tr>
          </thead>
          <tbody>
            {loaded.data.map((user) => (
              <tr key={user.username} data-user={user.username}>
                <td>{user.username}</td>
                <td>{user.role}</td>
                <td>{user.disabledAt ? 'disabled' : 'active'}</td>
                <td>
                  {!user.disabledAt && (
                    <form action={changeUser} className="row" style={{ gap: 6 }}>
                      <input type="hidden" name="csrf" value={session.csrfToken} />
                      <input type="hidden" name="username" value={user.username} />
                      <select name="role" defaultValue={user.role} aria-label={`Role of ${user.username}`}>
                        {ROLES.map((role) => <option key={role}>{role}</option>)}
                      </select>
                      <button type="submit">Set role</button>
                      <button type="submit" name="disable" value="1" className="danger">Disable</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="create">
        <h2 id="create">New user</h2>
        <form action={createUser} className="row" style={{ gap: 8 }}>
          <input type="hidden" name="csrf" value={session.csrfToken} />
          <label>Username <input name="username" required maxLength={64} /></label>
          <label>Password <input name="password" type="password" required minLength={12} autoComplete="new-password" /></label>
          <label>
            Role
            <select name="role" defaultValue="viewer">
              {ROLES.map((role) => <option key={role}>{role}</option>)}
            </select>
          </label>
          <button type="submit" className="primary">Create</button>
        </form>
      </section>
    </>
  );
}
