// Administration of a tenant: its users (disable, enable, role, require or reset two-factor, end sessions),
// inviting users, its domains (with the DNS records each must publish), its security policy and
// its audit log. A tenant admin manages their own tenant; a server admin also sees every tenant,
// creates tenants and picks the tenant to manage (#/admin?tenant=ID).
import * as api from '../api.js';
import { h, replace, append } from '../dom.js';
import { heading, field, select, checkbox, onSubmit, errorBox, loading, notice, secretOnce, button, confirmButton,
  pagedTable, timeEl, deviceEl, announce } from '../ui.js';
import { state, isServerAdmin } from '../session.js';
import { ACTIONS } from './audit.js';

const AUDIT_PAGE = 50;

// The tenant this screen manages (set by render).
let tenantId = null;

export async function render(main, { params }) {
  const own = state.me && state.me.tenant_id;
  const asked = params.get('tenant');
  tenantId = isServerAdmin() && asked && /^[0-9a-f-]{36}$/.test(asked) ? asked : own;
  let tenants = [];
  try {
    tenants = (await api.get('/admin/tenants')).tenants;
  } catch (error) {
    main.append(heading('Admin'), errorBox(error));
    return;
  }
  const current = tenants.find((t) => t.id === tenantId);
  if (!current) {
    main.append(heading('Admin'), errorBox({ message: 'No such tenant.' }));
    return;
  }
  const [users, policy, domains, log] = await Promise.all([usersSection(), policyForm(), domainsSection(), auditSection()]);
  // dom.js append skips null (the DOM's own would print "null" where the tenants section is not shown).
  append(main, [heading(`Admin: ${current.name}`),
    isServerAdmin() ? tenantsSection(tenants) : null,
    users, inviteForm(), domains, policy, log]);
}

const tenantPath = () => `/admin/tenants/${encodeURIComponent(tenantId)}`;

/** Server admins: every tenant, which one this screen manages, and a form to create one. */
function tenantsSection(tenants) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'tenants-title', id: 'admin-tenants' });
  const messages = h('div', { class: 'messages' });
  const name = field('New tenant', { id: 'new-tenant-name', required: true, maxlength: 64 },
    'An organisation with its own domains, users and admins.');
  const form = h('form', { id: 'add-tenant-form' }, name.wrapper, messages,
    h('p', {}, h('button', { type: 'submit' }, 'Create tenant')));
  const list = h('div', {});
  const draw = () => replace(list, pagedTable('Tenants', [
    { label: 'Tenant', cell: (t) => t.name },
    { label: 'Created', cell: (t) => timeEl(t.created_at) },
    { label: 'Manage', cell: (t) => (t.id === tenantId
      ? h('span', { class: 'hint', 'aria-current': 'true' }, 'Shown below')
      : h('a', { href: `#/admin?tenant=${encodeURIComponent(t.id)}`, class: 'manage-tenant' }, `Manage ${t.name}`)) },
  ], tenants, { empty: 'No tenants.', rowClass: () => 'tenant-row' }));
  onSubmit(form, messages, async () => {
    const created = await api.post('/admin/tenants', { name: name.input.value.trim() });
    tenants.push(created);
    form.reset();
    replace(messages, notice(`Created tenant ${created.name}.`));
    announce(`Created tenant ${created.name}.`);
    draw();
  });
  draw();
  replace(section, h('h2', { id: 'tenants-title' }, 'Tenants'), list, form);
  return section;
}

async function usersSection() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'users-title', id: 'admin-users' });
  const messages = h('div', { class: 'messages' });
  const list = h('div', {}, loading('Loading users…'));
  replace(section, h('h2', { id: 'users-title' }, 'Users'), messages, list);
  let users = [];
  const roles = () => {
    const r = [{ value: 'user', label: 'User' }, { value: 'tenant-admin', label: 'Tenant administrator' }];
    if (state.me && state.me.role === 'server-admin') r.push({ value: 'server-admin', label: 'Server administrator' });
    return r;
  };
  async function act(u, work, text) {
    replace(messages);
    try {
      const updated = await work();
      if (updated && updated.id === u.id) Object.assign(u, updated);
      replace(messages, notice(text));
      announce(text);
      draw();
    } catch (error) {
      replace(messages, errorBox(error));
    }
  }
  const userPath = (u) => `/admin/users/${encodeURIComponent(u.id)}`;
  function actions(u) {
    if (state.me && u.id === state.me.user_id) return h('span', { class: 'hint' }, 'You');
    const role = select('Role', roles().map((r) => ({ ...r, selected: r.value === u.role })), { 'data-login': u.login, class: 'role-select' });
    role.input.addEventListener('change', () => act(u, () => api.call('PUT', `${userPath(u)}/role`, { role: role.input.value }),
      `${u.login} is now ${role.input.value}; their sessions were ended.`));
    return h('div', { class: 'actions' },
      u.disabled
        ? button('Enable', { class: 'enable-user', 'data-login': u.login, onclick: () => act(u, () => api.post(`${userPath(u)}/enable`), `${u.login} is enabled.`) })
        : confirmButton('Disable', 'Disable? Press again', () => act(u, () => api.post(`${userPath(u)}/disable`),
          `${u.login} is disabled: they cannot sign in and their sessions were ended.`), { class: 'danger disable-user', 'data-login': u.login }),
      button('End sessions', { class: 'end-user-sessions', 'data-login': u.login, onclick: () => act(u, async () => {
        const r = await api.post(`${userPath(u)}/sessions/end-all`);
        return { sessions_ended: r.sessions_ended };
      }, `Ended the sessions of ${u.login}.`) }),
      confirmButton('Reset two-factor', 'Reset? Press again', () => act(u, () => api.post(`${userPath(u)}/mfa/reset`),
        `Two-factor of ${u.login} is reset; they set it up again at their next sign-in.`), { class: 'reset-mfa', 'data-login': u.login }),
      role.wrapper);
  }
  // The per-user switch: the checkbox is the state; a refused change puts it back and says why.
  function requireMfa(u) {
    // Administrators always need it (and the viewer is one), so there is nothing to switch.
    if (u.role !== 'user') return h('span', { class: 'hint' }, 'Always (administrator)');
    const id = `require-mfa-${u.id}`;
    const input = h('input', { type: 'checkbox', id, class: 'require-mfa-user', 'data-login': u.login, checked: u.require_mfa });
    input.addEventListener('change', async () => {
      const wanted = input.checked;
      input.disabled = true;
      replace(messages);
      try {
        Object.assign(u, await api.call('PUT', `${userPath(u)}/require-mfa`, { require_mfa: wanted }));
        const text = wanted
          ? `${u.login} must now use two-factor; without it their next sign-in can only set it up.`
          : `${u.login} no longer has to use two-factor (unless the tenant policy or their role requires it).`;
        replace(messages, notice(text));
        announce(text);
        draw();
      } catch (error) {
        input.checked = !wanted;
        input.disabled = false;
        replace(messages, errorBox(error));
      }
    });
    return h('div', { class: 'check' }, input,
      h('label', { for: id }, 'Require two-factor', h('span', { class: 'visually-hidden' }, ` for ${u.login}`)));
  }
  function draw() {
    replace(list, pagedTable('Users of this tenant', [
      { label: 'Login', cell: (u) => h('span', { class: 'address' }, u.login) },
      { label: 'Role', cell: (u) => u.role },
      { label: 'State', cell: (u) => h('span', { class: `badge ${u.disabled ? 'suspended' : 'active'}` }, u.disabled ? 'disabled' : 'active') },
      { label: 'Two-factor', cell: (u) => requireMfa(u) },
      { label: 'Created', cell: (u) => timeEl(u.created_at) },
      { label: 'Actions', cell: (u) => actions(u) },
    ], users, { empty: 'No users.', rowClass: (u) => `user-row${u.disabled ? ' state-revoked' : ''}` }));
  }
  try {
    users = (await api.get(`${tenantPath()}/users`)).users;
    users.sort((a, b) => a.login.localeCompare(b.login));
  } catch (error) {
    replace(list, errorBox(error));
    return section;
  }
  draw();
  return section;
}

async function domainsSection() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'domains-title', id: 'admin-domains' });
  const list = h('div', {}, loading());
  const messages = h('div', { class: 'messages' });
  const name = field('New domain', { id: 'new-domain-name', required: true, autocapitalize: 'none', spellcheck: 'false',
    placeholder: 'mail.example.org' }, 'Mail for it is accepted once its MX record points here.');
  const form = h('form', { id: 'add-domain-form' }, name.wrapper, messages,
    h('p', {}, h('button', { type: 'submit' }, 'Add domain')));
  let domains = [];
  const draw = () => replace(list, pagedTable('Domains of this tenant', [
    { label: 'Domain', cell: (d) => h('span', { class: 'address' }, d.name) },
    { label: 'Added', cell: (d) => timeEl(d.created_at) },
    { label: 'DNS', cell: (d) => h('a', { href: `#/domain-dns?id=${encodeURIComponent(d.id)}`, class: 'domain-dns-link',
      'data-domain': d.name }, `DNS records for ${d.name}`) },
  ], domains, { empty: 'No domains.', rowClass: () => 'domain-row' }));
  onSubmit(form, messages, async () => {
    const added = await api.post(`${tenantPath()}/domains`, { name: name.input.value.trim() });
    domains.push(added);
    form.reset();
    replace(messages, notice(`Added ${added.name}.`));
    draw();
  });
  replace(section, h('h2', { id: 'domains-title' }, 'Domains'), list, form);
  try {
    domains = (await api.get(`${tenantPath()}/domains`)).domains;
  } catch (error) {
    replace(list, errorBox(error));
    return section;
  }
  draw();
  return section;
}

async function auditSection() {
  const section = h('section', { class: 'card', 'aria-labelledby': 'tenant-audit-title', id: 'tenant-audit' });
  const area = h('div', {});
  replace(section, h('h2', { id: 'tenant-audit-title' }, 'Audit log of this tenant'), area);
  const cursors = [undefined];
  let index = 0;
  async function draw() {
    replace(area, loading());
    const before = cursors[index];
    let page;
    try {
      page = await api.get(`${tenantPath()}/audit-log?limit=${AUDIT_PAGE}${before !== undefined ? `&before=${encodeURIComponent(before)}` : ''}`);
    } catch (error) {
      replace(area, errorBox(error));
      return;
    }
    if (page.next_before !== undefined) cursors[index + 1] = page.next_before;
    const rows = page.entries.map((e) => h('tr', { class: `outcome-${e.outcome}` },
      h('td', { 'data-label': 'When' }, timeEl(e.at)),
      h('td', { 'data-label': 'Who' }, e.actor || '—'),
      h('td', { 'data-label': 'What' }, ACTIONS[e.action] ? `${ACTIONS[e.action]} (${e.action})` : e.action),
      h('td', { 'data-label': 'Outcome' }, h('span', { class: `badge ${e.outcome}` }, e.outcome)),
      h('td', { 'data-label': 'IP address' }, e.ip || '—'),
      h('td', { 'data-label': 'Device' }, e.user_agent ? deviceEl(e.user_agent) : '—')));
    replace(area,
      page.entries.length === 0 ? h('p', { class: 'empty' }, 'Nothing recorded yet.') : h('div', { class: 'table-wrap' },
        h('table', { id: 'tenant-audit-table' }, h('caption', { class: 'visually-hidden' }, 'Audit log of this tenant'),
          h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Outcome', 'IP address', 'Device'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        button('Newer', { disabled: index === 0, onclick: () => { index -= 1; draw(); } }),
        h('span', {}, `Page ${index + 1}`),
        button('Older', { disabled: page.next_before === undefined, onclick: () => { index += 1; draw(); } })));
  }
  await draw();
  return section;
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
  const tenant = tenantId;
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
