// App passwords: one per mail app (IMAP, SMTP submission), shown once, revocable one by one.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, checkbox, onSubmit, errorBox, loading, notice, pagedTable, timeEl, confirmButton, secretOnce } from '../ui.js';

export async function render(main) {
  const messages = h('div', { class: 'messages', id: 'app-password-messages' });
  const created = h('div', {});
  const listArea = h('div', {}, loading('Loading your app passwords…'));

  const formMessages = h('div', { class: 'messages' });
  const name = field('Name', { name: 'name', id: 'app-password-name', required: true, maxlength: '100',
    placeholder: 'e.g. Phone mail app' });
  const imap = checkbox('Read mail (IMAP)', { name: 'imap', checked: true, id: 'scope-imap' });
  const smtp = checkbox('Send mail (SMTP)', { name: 'smtp', checked: true, id: 'scope-smtp' });
  const form = h('form', { class: 'card', id: 'app-password-form', 'aria-label': 'New app password' },
    h('h2', {}, 'New app password'), name.wrapper,
    h('fieldset', {}, h('legend', {}, 'It may'), imap.wrapper, smtp.wrapper),
    formMessages, h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Create app password')));
  onSubmit(form, formMessages, async () => {
    const scopes = [];
    if (imap.input.checked) scopes.push('imap');
    if (smtp.input.checked) scopes.push('smtp');
    if (scopes.length === 0) throw new Error('Choose at least one of reading or sending mail.');
    const result = await api.post('/auth/app-passwords', { name: name.input.value.trim(), scopes });
    name.input.value = '';
    replace(created, secretOnce(`App password for “${result.name}”`, result.secret,
      'Type or paste it into your mail app now, as the password. It is shown only once; if you lose it, revoke it and create another.'));
    created.querySelector('code').focus();
    await draw();
  });

  main.append(heading('App passwords'),
    h('p', { class: 'aside' }, 'Mail apps sign in with an app password instead of your own password and authenticator code.'),
    messages, created, form, h('h2', {}, 'Your app passwords'), listArea);

  async function draw() {
    let list;
    try {
      list = (await api.get('/auth/app-passwords')).app_passwords;
    } catch (error) {
      replace(listArea, errorBox(error));
      return;
    }
    replace(listArea, pagedTable('Your app passwords', [
      { label: 'Name', cell: (c) => c.name },
      { label: 'May', cell: (c) => c.scopes.join(', ') },
      { label: 'Created', cell: (c) => timeEl(c.created_at) },
      { label: 'Last used', cell: (c) => timeEl(c.last_used_at) },
      { label: 'Actions', cell: (c) => confirmButton('Revoke', 'Press again to revoke', () => revoke(c),
        { class: 'danger revoke-app-password', 'data-name': c.name }) },
    ], list, { empty: 'You have no app passwords.' }));
  }

  async function revoke(c) {
    try {
      await api.del(`/auth/app-passwords/${encodeURIComponent(c.id)}`);
      replace(messages, notice(`Revoked “${c.name}”. Apps using it can no longer sign in.`));
    } catch (error) {
      replace(messages, errorBox(error));
    }
    await draw();
  }

  await draw();
}
