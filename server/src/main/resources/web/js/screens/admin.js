// Administration that the API offers today: inviting users and the tenant's security policy.
// Users, domains, the outbound queue and the tenant's audit log come with their API.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, select, checkbox, onSubmit, errorBox, loading, notice, secretOnce } from '../ui.js';
import { state } from '../session.js';

export async function render(main) {
  main.append(heading('Admin'), inviteForm(), await policyForm());
}

function inviteForm() {
  const messages = h('div', { class: 'messages' });
  const result = h('div', {});
  const login = field('Login of the new user', { type: 'email', required: true, id: 'invite-login',
    autocapitalize: 'none', spellcheck: 'false' }, 'An address on one of your domains; it becomes their login and first address.');
  const roles = [{ value: 'user', label: 'User', selected: true }, { value: 'tenant-admin', label: 'Tenant administrator' }];
  if (state.me && state.me.role === 'server-admin') roles.push({ value: 'server-admin', label: 'Server administrator' });
  const role = select('Role', roles, { id: 'invite-role' });
  const form = h('form', { class: 'card', id: 'invite-form', 'aria-labelledby': 'invite-title' },
    h('h2', { id: 'invite-title' }, 'Invite a user'), login.wrapper, role.wrapper, messages, result,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Create invitation')));
  onSubmit(form, messages, async () => {
    const invite = await api.post('/admin/invites', { login: login.input.value.trim(), role: role.input.value });
    const link = `${location.origin}/#/invite?token=${encodeURIComponent(invite.token)}`;
    replace(result, secretOnce(`Invitation for ${invite.login}`, link,
      `Send this link to the new user by a channel you trust. It works once, until ${new Date(invite.expires_at).toLocaleString()}.`));
    form.reset();
  });
  return form;
}

async function policyForm() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'policy-title' },
    h('h2', { id: 'policy-title' }, 'Tenant security'), loading());
  const tenant = state.me && state.me.tenant_id;
  let policy;
  try {
    policy = await api.get(`/admin/tenants/${encodeURIComponent(tenant)}/security`);
  } catch (error) {
    replace(section, h('h2', { id: 'policy-title' }, 'Tenant security'), errorBox(error));
    return section;
  }
  const messages = h('div', { class: 'messages' });
  const require = checkbox('Every user must use two-factor authentication', { checked: policy.require_mfa, id: 'require-mfa' });
  const risk = select('Risky sign-ins (new country, device or network)', [
    { value: 'off', label: 'Ignore', selected: policy.risk_mode === 'off' },
    { value: 'audit', label: 'Record in the audit log', selected: policy.risk_mode === 'audit' },
    { value: 'enforced', label: 'Ask for more proof', selected: policy.risk_mode === 'enforced' },
  ], { id: 'risk-mode' });
  const form = h('form', { id: 'policy-form' }, require.wrapper, risk.wrapper, messages,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Save')));
  onSubmit(form, messages, async () => {
    await api.call('PUT', `/admin/tenants/${encodeURIComponent(tenant)}/security`,
      { require_mfa: require.input.checked, risk_mode: risk.input.value });
    replace(messages, notice('Saved.'));
  });
  replace(section, h('h2', { id: 'policy-title' }, 'Tenant security'), form);
  return section;
}
