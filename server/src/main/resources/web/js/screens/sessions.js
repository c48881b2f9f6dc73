// Where the user is signed in: end one session, or all of them.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, errorBox, loading, notice, button, pagedTable, timeEl, confirmButton, device, deviceEl } from '../ui.js';

export async function render(main, ctx) {
  const messages = h('div', { class: 'messages', id: 'session-messages' });
  const listArea = h('div', {}, loading('Loading your sessions…'));
  main.append(heading('Sessions'),
    h('p', { class: 'aside' }, 'Every place you are signed in with your password. Mail apps use app passwords instead.'),
    messages, listArea,
    h('section', { class: 'card' }, h('h2', {}, 'Sign out everywhere'),
      h('p', {}, 'Ends every session, this one included. Use it if you signed in on a device you no longer trust.'),
      confirmButton('Sign out everywhere', 'Press again to sign out everywhere', async () => {
        try {
          await api.post('/auth/sessions/end-all');
        } catch (error) {
          replace(messages, errorBox(error));
          return;
        }
        // This session has ended too: forget the tokens without asking the server again.
        api.clearTokens();
        await ctx.signOut();
      }, { class: 'danger', id: 'end-all-sessions' })));

  async function draw() {
    let list;
    try {
      list = (await api.get('/auth/sessions')).sessions;
    } catch (error) {
      replace(listArea, errorBox(error));
      return;
    }
    list.sort((a, b) => (b.current - a.current) || String(b.last_seen_at).localeCompare(String(a.last_seen_at)));
    replace(listArea, pagedTable('Your sessions', [
      { label: 'Device', cell: (s) => h('span', {}, deviceEl(s.device), s.current ? h('span', { class: 'badge active' }, 'this one') : null) },
      { label: 'IP address', cell: (s) => s.ip || '—' },
      { label: 'Signed in', cell: (s) => timeEl(s.created_at) },
      { label: 'Last active', cell: (s) => timeEl(s.last_seen_at) },
      { label: 'Actions', cell: (s) => (s.current
        ? button('Sign out', { onclick: () => ctx.signOut() })
        : button('End session', { class: 'danger end-session', 'data-session': s.id, onclick: () => end(s) })) },
    ], list, { empty: 'No sessions.' }));
  }

  async function end(s) {
    try {
      await api.del(`/auth/sessions/${encodeURIComponent(s.id)}`);
      replace(messages, notice(`Ended the session on ${device(s.device)}.`));
    } catch (error) {
      replace(messages, errorBox(error));
    }
    await draw();
  }

  await draw();
}
