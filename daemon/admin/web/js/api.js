// The panel's only way to the daemon: same-origin fetch with the session cookie and, for changes,
// the CSRF token read from the fg_csrf cookie (double submit).

function csrfToken() {
  const m = document.cookie.split('; ').find((c) => c.startsWith('fg_csrf='));
  return m ? decodeURIComponent(m.slice('fg_csrf='.length)) : '';
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const headers = {};
  let payload;
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? 'http_error', data?.message ?? `${res.status} ${res.statusText}`);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);
