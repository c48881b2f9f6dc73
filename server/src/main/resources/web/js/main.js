// The app's shell: hash routes, the navigation, and which screen may open at which session level.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { errorBox, announce } from './ui.js';
import { state, load, isAdmin, isServerAdmin, forget } from './session.js';
import * as signin from './screens/signin.js';
import * as enrol from './screens/enrol.js';
import * as addresses from './screens/addresses.js';
import * as sessions from './screens/sessions.js';
import * as appPasswords from './screens/app-passwords.js';
import * as apiTokens from './screens/api-tokens.js';
import * as security from './screens/security.js';
import * as audit from './screens/audit.js';
import * as admin from './screens/admin.js';
import * as domainDns from './screens/domain-dns.js';
import * as queue from './screens/queue.js';
import * as account from './screens/account.js';
import * as mail from './screens/mail.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const accountBox = document.getElementById('account');

// Screens of a full session. `show` decides whether the screen is offered at all; `nav: false`
// screens are reached from another screen (a link) rather than from the navigation.
const SCREENS = [
  { route: 'addresses', label: 'Addresses', module: addresses, show: () => true },
  { route: 'mail', label: 'Mail', module: mail, show: () => state.features.mail },
  { route: 'security', label: 'Security', module: security, show: () => true },
  { route: 'sessions', label: 'Sessions', module: sessions, show: () => true },
  { route: 'app-passwords', label: 'App passwords', module: appPasswords, show: () => true },
  { route: 'api-tokens', label: 'API tokens', module: apiTokens, show: () => true },
  { route: 'audit', label: 'Activity', module: audit, show: () => true },
  { route: 'admin', label: 'Admin', module: admin, show: isAdmin },
  { route: 'domain-dns', label: 'Admin', module: domainDns, show: isAdmin, nav: false, parent: 'admin' },
  { route: 'queue', label: 'Queue', module: queue, show: isServerAdmin },
];
// Screens for someone who is not signed in.
const PUBLIC = { signin, invite: account.invite, recover: account.recover };

/** The current route and its parameters, from "#/route?key=value". */
function current() {
  const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : '';
  const [route, query] = hash.split('?', 2);
  return { route: route || '', params: new URLSearchParams(query || '') };
}

export function navigate(route) {
  const target = `#/${route}`;
  if (location.hash === target) {
    render();
  } else {
    location.hash = target;
  }
}

function drawChrome() {
  const full = api.level() === 'full';
  nav.hidden = !full;
  accountBox.hidden = !api.level();
  if (full) {
    const { route } = current();
    const here = SCREENS.find((s) => s.route === route);
    const active = here && here.parent ? here.parent : route;
    replace(nav, h('ul', {}, SCREENS.filter((s) => s.show() && s.nav !== false).map((s) => h('li', {},
      h('a', { href: `#/${s.route}`, 'aria-current': s.route === active ? 'page' : null }, s.label)))));
  } else {
    replace(nav);
  }
  if (api.level()) {
    replace(accountBox,
      h('span', { class: 'who' }, state.login || ''),
      h('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'));
  } else {
    replace(accountBox);
  }
}

async function signOut() {
  addresses.cancelPending();
  await api.signOut();
  forget();
  announce('Signed out.');
  navigate('signin');
}

/** Called by the sign-in and enrolment screens once the API gave tokens. */
async function signedIn() {
  if (api.level() === 'full') {
    try {
      await load();
    } catch (error) {
      replace(main, errorBox(error));
      return;
    }
    navigate('addresses');
  } else if (api.level() === 'enrol_mfa') {
    navigate('enrol');
  } else if (api.level() === 'verify_email') {
    navigate('verify');
  }
}

let renderCount = 0;

async function render() {
  const mine = ++renderCount;
  const { route, params } = current();
  const level = api.level();
  const context = { navigate, signedIn, signOut, params, state };
  let screen;
  if (!level) {
    screen = PUBLIC[route] || signin;
    if (!PUBLIC[route] && route !== 'signin') {
      history.replaceState(null, '', '#/signin');
    }
  } else if (level === 'enrol_mfa') {
    screen = { render: (el, ctx) => enrol.render(el, { ...ctx, required: true }) };
  } else if (level === 'verify_email') {
    screen = account.verify;
  } else {
    const found = SCREENS.find((s) => s.route === route && s.show());
    if (!found) {
      history.replaceState(null, '', '#/addresses');
    }
    screen = (found || SCREENS[0]).module;
  }
  drawChrome();
  main.replaceChildren();
  try {
    await screen.render(main, context);
  } catch (error) {
    if (mine === renderCount) replace(main, errorBox(error));
  }
  if (mine === renderCount) {
    const title = main.querySelector('h1');
    if (title) {
      document.title = `${title.textContent} · Postern`;
      // Start keyboard and screen reader users at the screen's title, unless the screen chose a field.
      if (!main.contains(document.activeElement) || document.activeElement === main) title.focus();
    }
  }
}

api.onSessionEnded(() => {
  addresses.cancelPending();
  forget();
  signin.sessionEnded();
  navigate('signin');
});

document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', render);
render();
