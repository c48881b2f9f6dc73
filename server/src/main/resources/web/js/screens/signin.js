// Sign in: login and password, then the authenticator code when the server asks for it.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, onSubmit, notice } from '../ui.js';
import { state } from '../session.js';

let nextMessage = null;

/** The next sign-in screen says that the previous session ended. */
export function sessionEnded() {
  nextMessage = 'Your session has ended. Please sign in again.';
}

/** The next sign-in screen says this (e.g. after a password change ended every session). */
export function sayNext(text) {
  nextMessage = text;
}

export function render(main, ctx) {
  const messages = h('div', { class: 'messages' });
  if (nextMessage) {
    replace(messages, notice(nextMessage, 'warn'));
    nextMessage = null;
  }
  const login = field('Email address', { type: 'email', name: 'login', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false' });
  const password = field('Password', { type: 'password', name: 'password', autocomplete: 'current-password',
    required: true });
  const form = h('form', { class: 'card narrow', id: 'signin-form' },
    messages, login.wrapper, password.wrapper,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  onSubmit(form, messages, async () => {
    const result = await api.anonymous('POST', '/auth/sign-in', {
      login: login.input.value.trim(),
      password: password.input.value,
    });
    password.input.value = '';
    state.login = login.input.value.trim();
    if (result.second_factor_required) {
      secondFactor(main, ctx, result.challenge);
      return;
    }
    api.setTokens(result);
    await ctx.signedIn();
  });
  main.append(heading('Sign in'), form,
    h('p', { class: 'aside' }, 'Forgot your password? ', h('a', { href: '#/recover' }, 'Recover your account'), '.'),
    h('p', { class: 'aside' }, 'This app keeps your session in this tab only: reloading or closing it signs you out here.'));
  login.input.focus();
}

function secondFactor(main, ctx, challenge) {
  const messages = h('div', { class: 'messages' });
  const code = field('Authentication code', { name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric',
    required: true, maxlength: '64', autocapitalize: 'none', spellcheck: 'false' },
  'The 6-digit code from your authenticator app, or one of your recovery codes.');
  const form = h('form', { class: 'card narrow', id: 'totp-form' },
    messages, code.wrapper,
    h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Verify')));
  onSubmit(form, messages, async () => {
    const result = await api.anonymous('POST', '/auth/sign-in/second-factor', {
      challenge,
      code: code.input.value.trim(),
    });
    code.input.value = '';
    api.setTokens(result);
    await ctx.signedIn();
  });
  const title = heading('Two-factor authentication');
  replace(main, title, form,
    h('p', { class: 'aside' }, h('a', { href: '#/signin', onclick: () => ctx.navigate('signin') }, 'Start again')));
  title.focus();
}
