// Setting up TOTP: the QR code is drawn by our server (never a third-party service) and shown
// from a blob: URL; the recovery codes are shown once.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, onSubmit, errorBox, loading, button, announce } from '../ui.js';

/** ctx.required: the session may do nothing else until enrolment is done (restricted session). */
export async function render(main, ctx) {
  main.append(heading('Set up two-factor authentication'));
  if (ctx.required) {
    main.append(h('p', {}, 'Your account needs an authenticator app (TOTP) before you can continue.'));
  }
  const area = h('div', {}, loading('Preparing your authenticator secret…'));
  main.append(area);
  await enrolInto(area, ctx, async () => {
    if (ctx.required) await ctx.signedIn();
    else ctx.navigate('security');
  });
}

/** Draws the enrolment steps into `area`; `done` runs after the recovery codes were acknowledged. */
export async function enrolInto(area, ctx, done) {
  let setup;
  try {
    setup = await api.post('/auth/mfa/totp', {});
  } catch (error) {
    replace(area, errorBox(error));
    return;
  }
  const qrUrl = URL.createObjectURL(new Blob([setup.qr_svg], { type: 'image/svg+xml' }));
  const grouped = setup.secret.replace(/(.{4})/g, '$1 ').trim();
  const messages = h('div', { class: 'messages' });
  const code = field('Code from the app', { name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric',
    required: true, maxlength: '8', pattern: '[0-9 ]*' });
  const form = h('form', { class: 'card', id: 'enrol-form' },
    h('ol', { class: 'steps' },
      h('li', {}, 'Open your authenticator app and scan this QR code:',
        h('div', { class: 'qr' }, h('img', { src: qrUrl, alt: 'QR code for your authenticator app', width: '220',
          height: '220', id: 'totp-qr' }))),
      h('li', {}, 'Or type this secret into the app: ', h('code', { id: 'totp-secret', class: 'secret' }, grouped)),
      h('li', {}, 'Enter the 6-digit code the app shows:', messages, code.wrapper)),
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Confirm')));
  onSubmit(form, messages, async () => {
    const confirmed = await api.post('/auth/mfa/totp/confirm', { code: code.input.value.replace(/\s/g, '') });
    URL.revokeObjectURL(qrUrl);
    api.setTokens(confirmed.tokens);
    showRecoveryCodes(area, confirmed.recovery_codes, done);
  });
  replace(area, form);
}

/** The recovery codes, shown once. */
export function showRecoveryCodes(area, codes, done) {
  const title = h('h2', { tabindex: '-1' }, 'Your recovery codes');
  replace(area, h('section', { class: 'card once', id: 'recovery-codes' },
    title,
    h('p', {}, 'Each code signs you in once if you lose your authenticator. They are shown only now: store them somewhere safe, such as a password manager.'),
    h('ul', { class: 'codes' }, codes.map((c) => h('li', {}, h('code', {}, c)))),
    h('p', {}, button('I have saved these codes', { class: 'primary', id: 'codes-saved', onclick: done }))));
  title.focus();
  announce('Two-factor authentication is on. Save your recovery codes.');
}
