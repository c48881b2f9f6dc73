// Two-factor authentication and the password.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, onSubmit, errorBox, loading, button } from '../ui.js';
import { enrolInto, showRecoveryCodes } from './enrol.js';
import { sayNext } from './signin.js';

export async function render(main, ctx) {
  const mfaArea = h('section', { class: 'card', 'aria-labelledby': 'mfa-title' }, loading());
  main.append(heading('Security'), mfaArea, passwordForm(ctx));

  async function drawMfa() {
    let status;
    try {
      status = await api.get('/auth/mfa');
    } catch (error) {
      replace(mfaArea, errorBox(error));
      return;
    }
    const title = h('h2', { id: 'mfa-title' }, 'Two-factor authentication');
    if (!status.totp_enrolled) {
      const area = h('div', {});
      replace(mfaArea, title, h('p', { id: 'mfa-status' }, 'Off. Signing in needs only your password.'), area,
        button('Set up an authenticator app', { class: 'primary', id: 'start-enrol', onclick: () => {
          replace(area, loading());
          enrolInto(area, ctx, drawMfa);
        } }));
      return;
    }
    const messages = h('div', { class: 'messages' });
    const code = field('Current code from your authenticator', { name: 'code', autocomplete: 'one-time-code',
      inputmode: 'numeric', required: true, maxlength: '8' });
    const codesArea = h('div', {});
    const form = h('form', { class: 'inline-form' }, code.wrapper, messages,
      h('p', {},
        h('button', { type: 'submit', value: 'codes', class: 'primary' }, 'New recovery codes'), ' ',
        h('button', { type: 'submit', value: 'disable', class: 'danger' }, 'Turn off')));
    let action = 'codes';
    form.querySelectorAll('button[type=submit]').forEach((b) => b.addEventListener('click', () => { action = b.value; }));
    onSubmit(form, messages, async () => {
      const value = code.input.value.replace(/\s/g, '');
      code.input.value = '';
      if (action === 'disable') {
        await api.post('/auth/mfa/totp/disable', { code: value });
        await drawMfa();
      } else {
        const result = await api.post('/auth/mfa/recovery-codes', { code: value });
        showRecoveryCodes(codesArea, result.recovery_codes, drawMfa);
      }
    });
    replace(mfaArea, title,
      h('p', { id: 'mfa-status' }, `On. ${status.recovery_codes_left} recovery codes left.`),
      codesArea, form);
  }
  await drawMfa();
}

function passwordForm(ctx) {
  const messages = h('div', { class: 'messages' });
  const current = field('Current password', { type: 'password', autocomplete: 'current-password', required: true,
    id: 'current-password' });
  const next = field('New password', { type: 'password', autocomplete: 'new-password', required: true, minlength: '12',
    id: 'new-password' }, 'At least 12 characters; a passphrase of several words is easiest to remember.');
  const again = field('New password again', { type: 'password', autocomplete: 'new-password', required: true,
    id: 'new-password-again' });
  const form = h('form', { class: 'card', id: 'password-form', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change password'), current.wrapper, next.wrapper, again.wrapper, messages,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Change password')));
  onSubmit(form, messages, async () => {
    if (next.input.value !== again.input.value) throw new Error('The two new passwords differ.');
    const result = await api.post('/auth/password', {
      current_password: current.input.value,
      new_password: next.input.value,
    });
    form.reset();
    // A password change ends every session, this one too: sign in again with the new password.
    api.clearTokens();
    sayNext(`Password changed and ${result.sessions_ended} session(s) ended. Sign in with your new password.`);
    await ctx.signOut();
  });
  return form;
}
