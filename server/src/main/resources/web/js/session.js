// What the app knows about the signed-in user, in memory only, and what the server offers.
import * as api from './api.js';

export const state = {
  login: null,
  me: null,
  features: { mail: false },
};

/** After a full sign-in: who am I, and which optional parts of the API does this server have. */
export async function load() {
  state.me = await api.get('/me');
  // The mail screens appear only when the server has the mail API (404 means it does not).
  const status = await api.probe('/mailboxes');
  state.features.mail = status !== 0 && status !== 404;
}

export function isAdmin() {
  return !!state.me && (state.me.role === 'tenant-admin' || state.me.role === 'server-admin');
}

export function isServerAdmin() {
  return !!state.me && state.me.role === 'server-admin';
}

export function forget() {
  state.login = null;
  state.me = null;
  state.features.mail = false;
}
