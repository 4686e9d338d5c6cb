// The admin API as the console uses it: same origin, a bearer token kept in sessionStorage.
//
// sessionStorage (not localStorage, not a cookie): the token survives a reload of this tab but
// not the tab itself, is not shared with other tabs or sent by the browser on its own (no CSRF),
// and the page's Content-Security-Policy allows no script but the console's own to read it.

const TOKEN = 'balor.token';

/** An API refusal: its status and the API's error, hint and field problems. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || `HTTP ${status}`);
    this.status = status;
    this.hint = body && body.hint;
    this.problems = (body && body.problems) || [];
    this.field = body && body.field;
  }
}

export function session() {
  const raw = sessionStorage.getItem(TOKEN);
  return raw ? JSON.parse(raw) : null;
}

export function forget() {
  sessionStorage.removeItem(TOKEN);
}

let onUnauthorized = () => {};

/** What to do when the API says the session is gone (401): the app shows the login view. */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** Calls the API; resolves to the parsed JSON (null for 204), rejects with an ApiError. */
export async function call(method, path, body) {
  const current = session();
  const headers = { 'Accept': 'application/json', ...authorization() };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store',
  });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch (e) {
    if (response.ok) throw e;   // an error page that is not JSON keeps its status
  }
  if (response.status === 401 && current) {
    forget();
    onUnauthorized(new ApiError(401, parsed));
  }
  if (!response.ok) {
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

export async function login(username, password) {
  const answer = await call('POST', '/api/login', { username, password });
  sessionStorage.setItem(TOKEN, JSON.stringify({ token: answer.token, username: answer.username, role: answer.role }));
  return answer;
}

export async function logout() {
  try {
    await call('POST', '/api/logout');
  } finally {
    forget();
  }
}

function authorization() {
  const current = session();
  return current ? { 'Authorization': `Bearer ${current.token}` } : {};
}

/** A text resource (such as /metrics) with the session's token; rejects with an ApiError. */
export async function text(path) {
  const response = await fetch(path, { headers: authorization(), cache: 'no-store' });
  if (!response.ok) throw new ApiError(response.status, null);
  return response.text();
}

/**
 * Saves content as a file named name: a real download made in the page (a link to the API would
 * go without the token, and get a 401).
 */
export function saveFile(name, content, type) {
  const url = URL.createObjectURL(content instanceof Blob ? content : new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Downloads an API resource that is a file (a log file) with the session's token. */
export async function download(path, name) {
  const response = await fetch(path, { headers: authorization(), cache: 'no-store' });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(response.status, body);
  }
  saveFile(name, await response.blob());
}
