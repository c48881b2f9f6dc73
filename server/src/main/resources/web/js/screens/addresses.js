// The home screen: the user's addresses. Create one per correspondent; suspend, reinstate, revoke.
// Revoking is permanent on the server, so the undo works by waiting: the API call is made only
// after UNDO_SECONDS, and undo simply cancels the timer.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, field, select, onSubmit, errorBox, loading, notice, button, pagedTable, timeEl, announce } from '../ui.js';
import { suggestName } from '../names.js';
import { state } from '../session.js';

export const UNDO_SECONDS = 8;

// Revocations waiting out their undo time, by address id. Kept across screens of this tab.
const pending = new Map();
// What those revocations answered, by id, so a list loaded meanwhile shows the result.
const results = new Map();

/** Forgets every waiting revocation without making it (sign-out, session end). */
export function cancelPending() {
  for (const p of pending.values()) clearInterval(p.timer);
  pending.clear();
}

let redraw = null;

export async function render(main, ctx) {
  const messages = h('div', { class: 'messages', id: 'address-messages' });
  const createArea = h('div', {});
  const listArea = h('div', {}, loading('Loading your addresses…'));
  const newButton = button('New address', { class: 'primary', id: 'new-address', 'aria-expanded': 'false' });
  main.append(
    h('div', { class: 'title-row' }, heading('Addresses'), newButton),
    h('p', { class: 'aside' }, 'Give each correspondent its own address. If one starts to get spam, suspend or revoke just that one.'),
    messages, createArea, listArea);

  let domains = [];
  let addresses = [];
  let filter = '';
  let page = 0;

  async function reload() {
    const [d, a] = await Promise.all([api.get('/domains'), api.get('/addresses')]);
    domains = d.domains.map((x) => x.name);
    addresses = a.addresses;
    // Newest first: the one just handed out is the one you look for.
    addresses.sort((x, y) => String(y.created).localeCompare(String(x.created)));
  }

  function draw() {
    if (!listArea.isConnected) return;
    for (const a of addresses) {
      const r = results.get(a.id);
      if (r) Object.assign(a, r);
    }
    const counts = addresses.some((a) => 'received_count' in a || 'last_received' in a);
    const columns = [
      { label: 'Address', cell: (a) => h('span', { class: 'address' }, a.address) },
      { label: 'Note', cell: (a) => a.note || '—' },
      { label: 'State', cell: (a) => stateCell(a) },
      { label: 'Created', cell: (a) => timeEl(a.created) },
    ];
    if (counts) {
      columns.push({ label: 'Messages', cell: (a) => (a.received_count ?? '—').toString() });
      columns.push({ label: 'Last received', cell: (a) => timeEl(a.last_received) });
    }
    columns.push({ label: 'Actions', cell: (a) => actions(a) });
    const search = field('Filter', { type: 'search', value: filter, id: 'address-filter', placeholder: 'address or note' });
    const tableArea = h('div', {});
    const count = h('span', { class: 'hint', 'aria-live': 'polite' });
    search.input.addEventListener('input', () => {
      filter = search.input.value;
      page = 0;
      replace(tableArea, table());
    });
    function table() {
      const w = filter.toLowerCase();
      const rows = addresses.filter((a) => !w || a.address.toLowerCase().includes(w) || (a.note || '').toLowerCase().includes(w));
      count.textContent = rows.length === addresses.length ? `${addresses.length} addresses` : `${rows.length} of ${addresses.length} addresses`;
      return pagedTable('Your addresses', columns, rows, {
        pageSize: 25,
        page,
        onPage: (p) => { page = p; },
        empty: addresses.length ? 'No address matches the filter.' : 'You have no addresses yet. Create one with “New address”.',
        rowClass: (a) => `state-${pending.has(a.id) ? 'pending' : a.state}`,
      });
    }
    replace(tableArea, table());
    replace(listArea, h('div', { class: 'filter-row' }, search.wrapper, count), tableArea);
  }
  redraw = draw;

  function stateCell(a) {
    const p = pending.get(a.id);
    if (p) {
      return h('span', { class: 'badge pending', 'data-countdown': a.id }, `Revoking in ${p.left} s`);
    }
    return h('span', { class: `badge ${a.state}` }, a.state);
  }

  function actions(a) {
    const p = pending.get(a.id);
    if (p) {
      return h('div', { class: 'actions' },
        h('span', { class: 'hint' }, 'Permanent once done. '),
        button('Undo', { class: 'undo', 'data-address': a.address, onclick: () => undo(a) }));
    }
    const out = [];
    if (state.features.mail && a.state !== 'revoked') {
      out.push(h('a', { href: `#/mail?address=${encodeURIComponent(a.id)}`, class: 'button-link show-mail',
        'data-address': a.address, title: `Mail that arrived on ${a.address}` }, 'Show mail'));
    }
    if (a.state === 'active') {
      out.push(button('Suspend', { 'data-address': a.address, class: 'suspend', onclick: () => change(a, 'suspend') }));
    }
    if (a.state === 'suspended') {
      out.push(button('Reinstate', { 'data-address': a.address, class: 'reinstate', onclick: () => change(a, 'reinstate') }));
    }
    if (a.state !== 'revoked') {
      out.push(button('Revoke', { 'data-address': a.address, class: 'danger revoke', onclick: () => startRevoke(a) }));
    }
    return out.length ? h('div', { class: 'actions' }, out) : '—';
  }

  async function change(a, verb) {
    replace(messages);
    try {
      const updated = await api.post(`/addresses/${encodeURIComponent(a.id)}/${verb}`);
      Object.assign(a, updated);
      announce(`${a.address} is ${updated.state}.`);
      replace(messages, notice(verb === 'suspend'
        ? `${a.address} is suspended: mail to it is refused until you reinstate it.`
        : `${a.address} is active again.`));
      draw();
    } catch (error) {
      replace(messages, errorBox(error));
    }
  }

  function startRevoke(a) {
    const entry = { left: UNDO_SECONDS, timer: null };
    entry.timer = setInterval(async () => {
      entry.left -= 1;
      if (entry.left > 0) {
        // Only the countdown changes: the list, its page and the filter's focus stay as they are.
        document.querySelectorAll(`[data-countdown="${CSS.escape(a.id)}"]`).forEach((el) => {
          el.textContent = `Revoking in ${entry.left} s`;
        });
        return;
      }
      clearInterval(entry.timer);
      try {
        const revoked = await api.post(`/addresses/${encodeURIComponent(a.id)}/revoke`);
        results.set(a.id, revoked);
        pending.delete(a.id);
        announce(`${a.address} is revoked.`);
        if (messages.isConnected) replace(messages, notice(`${a.address} is revoked. Mail to it is refused, for good.`));
      } catch (error) {
        pending.delete(a.id);
        if (messages.isConnected) replace(messages, errorBox(error));
      }
      if (redraw) redraw();
    }, 1000);
    pending.set(a.id, entry);
    replace(messages, notice(`${a.address} will be revoked in ${UNDO_SECONDS} seconds. Revoking is permanent: `
      + 'the address can never be used again. Press Undo to keep it. Closing or reloading this tab, or signing out, before then keeps it too.', 'warn'));
    announce(`${a.address} will be revoked in ${UNDO_SECONDS} seconds unless you undo.`);
    draw();
    const undoButton = listArea.querySelector(`button.undo[data-address="${CSS.escape(a.address)}"]`);
    if (undoButton) undoButton.focus();
  }

  function undo(a) {
    const p = pending.get(a.id);
    if (!p) return;
    clearInterval(p.timer);
    pending.delete(a.id);
    replace(messages, notice(`${a.address} was not revoked.`));
    announce(`${a.address} was not revoked.`);
    draw();
  }

  function openCreate() {
    if (createArea.firstChild) {
      replace(createArea);
      newButton.setAttribute('aria-expanded', 'false');
      return;
    }
    newButton.setAttribute('aria-expanded', 'true');
    if (domains.length === 0) {
      replace(createArea, errorBox({ message: 'Your account has no domain to create addresses on. Ask your administrator.' }));
      return;
    }
    const formMessages = h('div', { class: 'messages' });
    const name = field('Name', { name: 'local_part', id: 'new-local-part', value: suggestName(), required: true,
      maxlength: '64', autocapitalize: 'none', spellcheck: 'false' }, 'Suggested at random; change it if you like.');
    const domain = select('Domain', domains.map((d, i) => ({ value: d, label: `@${d}`, selected: i === 0 })),
      { name: 'domain', id: 'new-domain' });
    const note = field('Note', { name: 'note', id: 'new-note', maxlength: '500', placeholder: 'e.g. given to shop X' },
      'Only you see it; it is stored encrypted.');
    const form = h('form', { class: 'card', id: 'create-address-form', 'aria-label': 'New address' },
      h('div', { class: 'address-builder' }, name.wrapper, domain.wrapper,
        button('Suggest another', { onclick: () => { name.input.value = suggestName(); name.input.focus(); } })),
      note.wrapper, formMessages,
      h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Create address'), ' ',
        button('Cancel', { onclick: openCreate })));
    onSubmit(form, formMessages, async () => {
      const body = { local_part: name.input.value.trim(), domain: domain.input.value };
      if (note.input.value.trim()) body.note = note.input.value.trim();
      const created = await api.post('/addresses', body);
      addresses.unshift(created);
      replace(createArea);
      newButton.setAttribute('aria-expanded', 'false');
      replace(messages, notice(`Created ${created.address}.`), h('p', {}, button('Copy address', {
        onclick: () => navigator.clipboard.writeText(created.address).catch(() => {}),
      })));
      announce(`Created ${created.address}.`);
      draw();
    });
    replace(createArea, form);
    name.input.focus();
    name.input.select();
  }
  newButton.addEventListener('click', openCreate);

  try {
    await reload();
  } catch (error) {
    replace(listArea, errorBox(error));
    return;
  }
  draw();
  if (ctx.params.get('new') === '1') openCreate();
}
