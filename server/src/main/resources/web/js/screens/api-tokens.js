// API tokens: for scripts and password managers (e.g. minting an address per sign-up), each with
// only the scopes it needs and an optional expiry; shown once, revocable one by one.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, checkbox, onSubmit, errorBox, loading, notice, pagedTable, timeEl, confirmButton, secretOnce } from '../ui.js';
import { isAdmin } from '../session.js';

const SCOPES = [
  { value: 'manage-addresses', label: 'Manage addresses (list, create, suspend, revoke)', checked: true },
  { value: 'read-mail', label: 'Read mail' },
  { value: 'send', label: 'Send mail' },
  { value: 'account', label: 'Read the account’s activity' },
];

export async function render(main) {
  const messages = h('div', { class: 'messages', id: 'api-token-messages' });
  const created = h('div', {});
  const listArea = h('div', {}, loading('Loading your API tokens…'));

  const formMessages = h('div', { class: 'messages' });
  const name = field('Name', { name: 'name', id: 'api-token-name', required: true, maxlength: '100',
    placeholder: 'e.g. Password manager' });
  const scopes = SCOPES.concat(isAdmin() ? [{ value: 'admin', label: 'Administer (as your role allows)' }] : [])
    .map((s) => ({ ...s, box: checkbox(s.label, { name: 'scope', value: s.value, checked: !!s.checked, id: `api-scope-${s.value}` }) }));
  const days = field('Expires after (days)', { type: 'number', min: '1', max: '3650', id: 'api-token-days', inputmode: 'numeric' },
    'Leave empty for a token that lasts until you revoke it.');
  const form = h('form', { class: 'card', id: 'api-token-form', 'aria-label': 'New API token' },
    h('h2', {}, 'New API token'), name.wrapper,
    h('fieldset', {}, h('legend', {}, 'It may'), scopes.map((s) => s.box.wrapper)),
    days.wrapper, formMessages, h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Create API token')));
  onSubmit(form, formMessages, async () => {
    const chosen = scopes.filter((s) => s.box.input.checked).map((s) => s.value);
    if (chosen.length === 0) throw new Error('Choose at least one thing the token may do.');
    const body = { name: name.input.value.trim(), scopes: chosen };
    if (days.input.value.trim()) body.expires_in_days = Number(days.input.value);
    const result = await api.post('/auth/api-tokens', body);
    form.reset();
    replace(created, secretOnce(`API token “${result.name}”`, result.secret,
      'Copy it into the program that needs it now: it is shown only once. Send it as "Authorization: Bearer <token>".'));
    created.querySelector('code').focus();
    await draw();
  });

  main.append(heading('API tokens'),
    h('p', { class: 'aside' }, 'Tokens let scripts and password managers use the API with only the powers you give them.'),
    messages, created, form, h('h2', {}, 'Your API tokens'), listArea);

  async function draw() {
    let list;
    try {
      list = (await api.get('/auth/api-tokens')).api_tokens;
    } catch (error) {
      replace(listArea, errorBox(error));
      return;
    }
    replace(listArea, pagedTable('Your API tokens', [
      { label: 'Name', cell: (c) => c.name },
      { label: 'May', cell: (c) => c.scopes.join(', ') },
      { label: 'Created', cell: (c) => timeEl(c.created_at) },
      { label: 'Expires', cell: (c) => (c.expires_at ? timeEl(c.expires_at) : 'never') },
      { label: 'Last used', cell: (c) => timeEl(c.last_used_at) },
      { label: 'Actions', cell: (c) => confirmButton('Revoke', 'Press again to revoke', () => revoke(c),
        { class: 'danger revoke-api-token', 'data-name': c.name }) },
    ], list, { empty: 'You have no API tokens.' }));
  }

  async function revoke(c) {
    try {
      await api.del(`/auth/api-tokens/${encodeURIComponent(c.id)}`);
      replace(messages, notice(`Revoked “${c.name}”.`));
    } catch (error) {
      replace(messages, errorBox(error));
    }
    await draw();
  }

  await draw();
}
