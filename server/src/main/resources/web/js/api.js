// The JSON API client. The access and refresh tokens live in this module's memory only: never in
// cookies, the browser's web storage or the URL. So no other site can make the browser send
// them (no CSRF), nothing outlives the tab, and a reload asks the user to sign in again.

const API = '/api/v1';

/** A failed call: HTTP status (0 when the server was not reached), the API's error code, a message for people. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const MESSAGES = {
  invalid_credentials: 'The login or password is wrong, or the code is not valid.',
  invalid_grant: 'Your session has ended. Please sign in again.',
  unauthorized: 'Your session has ended. Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'Not found.',
  conflict: 'That already exists or cannot be used again.',
  too_many_requests: 'Too many attempts. Please wait a little and try again.',
  mfa_enrolment_required: 'Set up two-factor authentication first.',
  email_verification_required: 'Verify your email address first.',
  unavailable: 'The server is busy. Please try again.',
  internal_error: 'Something went wrong on the server.',
  invalid_invite: 'This invitation is not valid or has expired.',
  invalid_code: 'The code is not valid.',
  sender_not_allowed: 'The server refused to send from that address.',
  message_too_large: 'The message is too large.',
  recipient_rejected: 'A recipient was refused.',
};
// Refusals of the send API whose message describes the user's own message (no internal detail).
const SEND_REFUSALS = ['sender_not_allowed', 'message_too_large', 'recipient_rejected'];

function errorOf(status, data) {
  const code = (data && typeof data.error === 'string') ? data.error : `http_${status}`;
  let message = MESSAGES[code] || `The request failed (${status}).`;
  // invalid_input and the send refusals carry a message about the user's own input.
  if (code === 'invalid_input' && data && typeof data.message === 'string') message = data.message;
  if (SEND_REFUSALS.includes(code) && data && typeof data.message === 'string') message = `${message} The server said: ${data.message}.`;
  if (code === 'internal_error' && data && typeof data.correlation_id === 'string') {
    message += ` Reference: ${data.correlation_id}.`;
  }
  return new ApiError(status, code, message);
}

let tokens = null;
let refreshing = null;
const endListeners = new Set();

/** Called with a reason when the session ends without the user signing out (expired, revoked). */
export function onSessionEnded(listener) {
  endListeners.add(listener);
}

/** Keeps a token pair as the API returns it (sign-in, refresh, MFA confirm, email verification). */
export function setTokens(t) {
  tokens = {
    access: t.access_token,
    refresh: t.refresh_token,
    level: t.level,
    sessionId: t.session_id,
    // Refresh a little before the server would refuse the access token.
    refreshAfter: Date.now() + Math.max(5, Number(t.expires_in) - 15) * 1000,
  };
}

export function clearTokens() {
  tokens = null;
}

export function level() {
  return tokens ? tokens.level : null;
}

export function sessionId() {
  return tokens ? tokens.sessionId : null;
}

async function send(method, path, body, bearer) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  let data = null;
  const text = await response.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  return { status: response.status, data };
}

function sessionEnded(reason) {
  tokens = null;
  for (const listener of endListeners) listener(reason);
}

/** Exchanges the refresh token for a new pair (the server rotates it); one exchange at a time. */
export function refresh() {
  if (!refreshing) {
    const current = tokens;
    refreshing = (async () => {
      if (!current) throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
      const r = await send('POST', '/auth/refresh', { refresh_token: current.refresh });
      if (r.status === 200 && r.data && r.data.access_token) {
        if (tokens === current) setTokens(r.data);
        return;
      }
      if (r.status === 0 || r.status >= 500 || r.status === 429) throw errorOf(r.status, r.data);
      sessionEnded('expired');
      throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** An authenticated call; answers the parsed JSON (null for 204), or throws an ApiError. */
export async function call(method, path, body) {
  if (!tokens) throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
  if (Date.now() > tokens.refreshAfter) await refresh();
  const used = tokens.access;
  let r = await send(method, path, body, used);
  if (r.status === 401 && tokens) {
    // Another call may already have refreshed; only refresh if we used the newest token.
    if (tokens.access === used) await refresh();
    if (!tokens) throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
    r = await send(method, path, body, tokens.access);
    if (r.status === 401) sessionEnded('expired');
  }
  if (r.status >= 400 || r.status === 0) throw errorOf(r.status, r.data);
  return r.data;
}

/** A call without a token (sign-in, invitations, recovery). */
export async function anonymous(method, path, body) {
  const r = await send(method, path, body, null);
  if (r.status >= 400) throw errorOf(r.status, r.data);
  return r.data;
}

/** The HTTP status of an authenticated GET, for feature detection; 0 when it could not be asked. */
export async function probe(path) {
  if (!tokens) return 0;
  try {
    const r = await send('GET', path, undefined, tokens.access);
    return r.status;
  } catch {
    return 0;
  }
}

/** Ends this session on the server (best effort) and forgets the tokens either way. */
export async function signOut() {
  const current = tokens;
  tokens = null;
  if (current) {
    try {
      await send('POST', '/auth/sign-out', undefined, current.access);
    } catch {
      // The tokens are gone from memory; the server's session expires on its own.
    }
  }
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const del = (path) => call('DELETE', path);

/**
 * An authenticated GET of a binary part (an attachment, an inline image), answered as a Blob. The
 * token goes in the Authorization header, never in a URL, so the part is shown or saved through a
 * blob: URL the app makes from this Blob.
 */
export async function blob(path) {
  if (!tokens) throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
  if (Date.now() > tokens.refreshAfter) await refresh();
  const fetchWith = (bearer) => fetch(API + path, {
    headers: { Authorization: `Bearer ${bearer}` },
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
    referrerPolicy: 'no-referrer',
  });
  let response;
  try {
    const used = tokens.access;
    response = await fetchWith(used);
    if (response.status === 401 && tokens) {
      if (tokens.access === used) await refresh();
      if (!tokens) throw new ApiError(401, 'unauthorized', MESSAGES.unauthorized);
      response = await fetchWith(tokens.access);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    let data = null;
    try {
      data = JSON.parse(await response.text());
    } catch {
      data = null;
    }
    throw errorOf(response.status, data);
  }
  return response.blob();
}
