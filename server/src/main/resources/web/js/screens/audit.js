// The user's own audit log: sign-ins with IP and device, security changes. Paged by the server.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, errorBox, loading, timeEl, button, deviceEl } from '../ui.js';

const PAGE = 50;

export const ACTIONS = {
  signin: 'Signed in',
  'signin.password': 'Password checked',
  'signin.totp': 'Authenticator code checked',
  'signin.risk': 'Sign-in risk assessed',
  'session.revoke': 'Session ended',
  'session.revoke_all': 'Signed out everywhere',
  'token.reuse': 'Old refresh token reused (session ended)',
  'mfa.enrol.start': 'Two-factor set-up started',
  'mfa.enrol': 'Two-factor turned on',
  'mfa.disable': 'Two-factor turned off',
  'mfa.recovery_codes': 'New recovery codes',
  'mfa.reset': 'Two-factor reset by an admin',
  'password.change': 'Password changed',
  'recovery.start': 'Account recovery asked',
  'recovery.complete': 'Password reset by recovery',
  'email.verify': 'Email address verified',
  'email.verify.resend': 'Verification code sent again',
  'invite.create': 'Invitation created',
  'invite.accept': 'Invitation accepted',
  'app_password.create': 'App password created',
  'app_password.revoke': 'App password revoked',
  'api_token.create': 'API token created',
  'api_token.revoke': 'API token revoked',
  'imap.signin': 'Mail app signed in (IMAP)',
  'smtp.signin': 'Mail app signed in (SMTP)',
  'address.create': 'Address created',
  'address.revoke': 'Address revoked',
  'address.suspend': 'Address suspended',
  'address.reinstate': 'Address reinstated',
  'tenant.security_policy': 'Tenant security policy changed',
  'user.role': 'Role changed',
  'user.disable': 'User disabled',
  'user.enable': 'User enabled',
  'user.require_mfa': 'Two-factor requirement changed',
  'domain.add': 'Domain added',
  'tenant.create': 'Tenant created',
};

export async function render(main) {
  const area = h('div', {}, loading('Loading your activity…'));
  main.append(heading('Activity'),
    h('p', { class: 'aside' }, 'Sign-ins and security changes on your account, newest first.'), area);
  // Cursors of the pages seen so far: [undefined (newest), before1, before2, ...].
  const cursors = [undefined];
  let index = 0;

  async function draw() {
    replace(area, loading('Loading your activity…'));
    const before = cursors[index];
    let page;
    try {
      page = await api.get(`/audit-log?limit=${PAGE}${before !== undefined ? `&before=${encodeURIComponent(before)}` : ''}`);
    } catch (error) {
      replace(area, errorBox(error));
      return;
    }
    if (page.next_before !== undefined) cursors[index + 1] = page.next_before;
    const rows = page.entries.map((e) => h('tr', { class: `outcome-${e.outcome}` },
      h('td', { 'data-label': 'When' }, timeEl(e.at)),
      h('td', { 'data-label': 'What' }, ACTIONS[e.action] ? `${ACTIONS[e.action]} (${e.action})` : e.action),
      h('td', { 'data-label': 'Outcome' }, h('span', { class: `badge ${e.outcome}` }, e.outcome)),
      h('td', { 'data-label': 'IP address' }, e.ip || '—'),
      h('td', { 'data-label': 'Device' }, e.user_agent ? deviceEl(e.user_agent) : '—')));
    replace(area,
      page.entries.length === 0 ? h('p', { class: 'empty' }, 'No activity yet.') : h('div', { class: 'table-wrap' },
        h('table', { id: 'audit-table' }, h('caption', { class: 'visually-hidden' }, 'Your activity'),
          h('thead', {}, h('tr', {}, ['When', 'What', 'Outcome', 'IP address', 'Device'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        button('Newer', { disabled: index === 0, onclick: () => { index -= 1; draw(); } }),
        h('span', {}, `Page ${index + 1}`),
        button('Older', { disabled: page.next_before === undefined, onclick: () => { index += 1; draw(); } })));
  }
  await draw();
}
