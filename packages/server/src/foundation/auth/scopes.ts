/** What an API key may do. `admin` implies every other scope. */
export const SCOPES = ['events:write', 'events:read', 'ops:read', 'ops:write', 'admin'] as const;

export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Whether a key holding `held` may act where `required` is needed. */
export function grants(held: readonly Scope[], required: Scope): boolean {
  return held.includes('admin') || held.includes(required);
}
