// Screens around an account without a full session: accepting an invitation, recovering access,
// verifying the email address of a new account.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, onSubmit, notice, button } from '../ui.js';

export const invite = {
  render(main, ctx) {
    // The token is in the URL's fragment, which browsers never send to any server.
    const token = ctx.params.get('token') || '';
    const messages = h('div', { class: 'messages' });
    const email = field('Your current email address', { type: 'email', required: true, autocomplete: 'email' },
      'Where we send a code to check it is yours; it is also where account recovery codes go.');
    const password = field('Choose a password', { type: 'password', required: true, minlength: '12',
      autocomplete: 'new-password' }, 'At least 12 characters.');
    const form = h('form', { class: 'card narrow' }, messages, email.wrapper, password.wrapper,
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Create my account')));
    onSubmit(form, messages, async () => {
      const result = await api.anonymous('POST', '/auth/invites/accept', {
        token, email: email.input.value.trim(), password: password.input.value,
      });
      replace(main, heading('Account created'),
        notice(`Your login is ${result.login}. A code was sent to ${email.input.value.trim()}: sign in to enter it.`),
        h('p', {}, h('a', { href: '#/signin' }, 'Sign in')));
      main.querySelector('h1').focus();
    });
    main.append(heading('Accept your invitation'), token ? form : notice('This link has no invitation in it.', 'warn'));
  },
};

export const recover = {
  render(main) {
    const messages = h('div', { class: 'messages' });
    const login = field('Login', { type: 'email', required: true, autocomplete: 'username' });
    const start = h('form', { class: 'card narrow' }, h('h2', {}, '1. Ask for a code'), login.wrapper, messages,
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Send me a code')));
    onSubmit(start, messages, async () => {
      const result = await api.anonymous('POST', '/auth/recovery', { login: login.input.value.trim() });
      replace(messages, notice(result.status));
    });
    const messages2 = h('div', { class: 'messages' });
    const login2 = field('Login', { type: 'email', required: true, autocomplete: 'username' });
    const code = field('Code', { required: true, autocomplete: 'one-time-code' });
    const password = field('New password', { type: 'password', required: true, minlength: '12', autocomplete: 'new-password' });
    const complete = h('form', { class: 'card narrow' }, h('h2', {}, '2. Set a new password'),
      login2.wrapper, code.wrapper, password.wrapper, messages2,
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Set password')));
    onSubmit(complete, messages2, async () => {
      await api.anonymous('POST', '/auth/recovery/complete', {
        login: login2.input.value.trim(), code: code.input.value.trim(), new_password: password.input.value,
      });
      complete.reset();
      replace(messages2, notice('Your password is set. You can sign in now.'));
    });
    main.append(heading('Recover your account'),
      h('p', { class: 'aside' }, 'A code goes to the recovery address you verified. ', h('a', { href: '#/signin' }, 'Back to sign in')),
      start, complete);
  },
};

export const verify = {
  render(main, ctx) {
    const messages = h('div', { class: 'messages' });
    const code = field('Code from the email', { required: true, autocomplete: 'one-time-code', id: 'verify-code' });
    const form = h('form', { class: 'card narrow' }, code.wrapper, messages,
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Verify'), ' ',
        button('Send a new code', { onclick: async () => {
          try {
            await api.call('POST', '/auth/verify-email/resend');
            replace(messages, notice('If a code may be sent now, it is on its way.'));
          } catch (error) {
            replace(messages, notice(error.message, 'error'));
          }
        } })));
    onSubmit(form, messages, async () => {
      const tokens = await api.post('/auth/verify-email', { code: code.input.value.trim() });
      api.setTokens(tokens);
      await ctx.signedIn();
    });
    main.append(heading('Verify your email address'),
      h('p', {}, 'We sent a code to the address you gave when you accepted the invitation.'), form);
  },
};
