export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** POSTs `body` (JSON-encoded unless already a string) and parses the answer when it is JSON. */
export async function post<T = unknown>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return answer<T>(response);
}

/** Sends `method` to `url`, with `body` JSON-encoded when given, and parses the answer when it is JSON. */
export async function send<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (body !== undefined) init.headers = { 'content-type': 'application/json', ...headers };
  return answer<T>(await fetch(url, init));
}

export async function get<T = unknown>(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer<T>> {
  return answer<T>(await fetch(url, { headers }));
}

async function answer<T>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text();
  let body: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, text };
}
