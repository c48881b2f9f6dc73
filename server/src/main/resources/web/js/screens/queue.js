// The outbound queue, for server admins: a page of queued messages, one message's recipients
// (state, attempts, last answer, next attempt; never its body), retry now and delete.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, errorBox, loading, notice, button, confirmButton, timeEl, size, announce } from '../ui.js';

const PAGE = 25;
const STATES = { queued: 'Queued', deferred: 'Deferred', delivered: 'Delivered', failed: 'Failed' };
const BADGE = { queued: 'pending', deferred: 'suspended', delivered: 'active', failed: 'revoked' };

export async function render(main, { params, navigate }) {
  const id = params.get('id');
  if (id) {
    await entryScreen(main, id, navigate);
  } else {
    await listScreen(main, params.get('done'));
  }
}

function stateBadge(state) {
  return h('span', { class: `badge ${BADGE[state] || ''} queue-state` }, STATES[state] || state);
}

/** The soonest next attempt of the recipients still waiting, or null. */
function nextAttempt(m) {
  const waiting = m.recipients.filter((r) => r.state === 'queued' || r.state === 'deferred');
  if (waiting.length === 0) return null;
  return waiting.map((r) => r.next_attempt_at).sort()[0];
}

async function listScreen(main, done) {
  const area = h('div', { id: 'queue-area' });
  const messages = h('div', { class: 'messages', id: 'queue-messages' });
  const offsets = [0];
  let index = 0;
  const refresh = button('Refresh', { id: 'queue-refresh', onclick: () => draw() });
  main.append(heading('Outbound queue'),
    h('p', { class: 'aside' }, 'Messages waiting to be delivered to other servers, newest first. '
      + 'Delivered and bounced messages leave the queue.'),
    messages,
    h('section', { class: 'card', 'aria-labelledby': 'queue-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'queue-title' }, 'Queued messages'), refresh), area));
  if (done) replace(messages, notice(done));

  async function draw() {
    refresh.disabled = true;
    replace(area, loading('Loading the queue…'));
    let page;
    try {
      page = await api.get(`/admin/queue?limit=${PAGE}&offset=${offsets[index]}`);
    } catch (error) {
      replace(area, errorBox(error));
      refresh.disabled = false;
      return;
    }
    refresh.disabled = false;
    if (page.next_offset !== undefined) offsets[index + 1] = page.next_offset;
    const more = page.next_offset !== undefined;
    if (page.messages.length === 0 && index === 0) {
      replace(area, h('p', { class: 'empty', id: 'queue-empty' }, 'The queue is empty.'));
      return;
    }
    const rows = page.messages.map((m) => h('tr', { class: 'queue-row', 'data-id': m.id },
      h('td', { 'data-label': 'Queued' }, timeEl(m.created_at)),
      h('td', { 'data-label': 'From' }, h('span', { class: 'address' }, m.from || '<>')),
      h('td', { 'data-label': 'To' }, h('ul', { class: 'plain' }, m.recipients.map((r) => h('li', {},
        h('span', { class: 'address queue-recipient' }, r.recipient), ' ', stateBadge(r.state))))),
      h('td', { 'data-label': 'Size' }, size(m.size)),
      h('td', { 'data-label': 'Next attempt' }, timeEl(nextAttempt(m))),
      h('td', { 'data-label': 'Details' }, h('a', { href: `#/queue?id=${encodeURIComponent(m.id)}`, class: 'queue-open',
        'aria-label': `Details of the message from ${m.from || 'no sender'} queued ${new Date(m.created_at).toLocaleString()}` }, 'Details'))));
    replace(area,
      h('div', { class: 'table-wrap' }, h('table', { id: 'queue-table' },
        h('caption', { class: 'visually-hidden' }, 'Queued messages'),
        h('thead', {}, h('tr', {}, ['Queued', 'From', 'To', 'Size', 'Next attempt', 'Details'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        button('Newer', { id: 'queue-newer', disabled: index === 0, onclick: () => { index -= 1; draw(); } }),
        h('span', { 'aria-live': 'polite' }, `Page ${index + 1}`),
        button('Older', { id: 'queue-older', disabled: !more, onclick: () => { index += 1; draw(); } })));
  }
  await draw();
}

async function entryScreen(main, id, navigate) {
  const title = heading('Queued message');
  const messages = h('div', { class: 'messages', id: 'queue-messages' });
  const area = h('div', { id: 'queue-entry' }, loading());
  // One refresh at a time: the button stays disabled until the page is redrawn.
  const refresh = button('Refresh', { id: 'queue-entry-refresh', onclick: () => draw() });
  main.append(title,
    h('div', { class: 'title-row' }, h('a', { href: '#/queue', id: 'back-to-queue' }, '← Back to the queue'), refresh),
    messages, area);

  async function draw() {
    refresh.disabled = true;
    area.setAttribute('aria-busy', 'true');
    try {
      await drawEntry();
    } finally {
      refresh.disabled = false;
      area.removeAttribute('aria-busy');
    }
  }

  async function drawEntry() {
    let m;
    try {
      m = await api.get(`/admin/queue/${encodeURIComponent(id)}`);
    } catch (error) {
      replace(area, errorBox(error.status === 404 ? { message: 'This message is no longer in the queue.' } : error));
      return;
    }
    const retry = button('Retry now', { id: 'queue-retry', class: 'primary', onclick: async () => {
      retry.disabled = true;
      replace(messages);
      try {
        await api.post(`/admin/queue/${encodeURIComponent(id)}/retry`);
        const text = 'Retrying now: a delivery worker picks the message up within seconds.';
        replace(messages, notice(text));
        announce(text);
        await draw();
        // The redraw replaced the button; keep a keyboard user where they were.
        const again = document.getElementById('queue-retry');
        if (again) again.focus();
      } catch (error) {
        replace(messages, errorBox(error));
      } finally {
        retry.disabled = false;
      }
    } });
    const remove = confirmButton('Delete', 'Delete without delivering? Press again', async () => {
      replace(messages);
      try {
        await api.del(`/admin/queue/${encodeURIComponent(id)}`);
        announce('Deleted from the queue.');
        navigate(`queue?done=${encodeURIComponent('Deleted a message from the queue; it will not be delivered and no bounce is sent.')}`);
      } catch (error) {
        replace(messages, errorBox(error));
      }
    }, { id: 'queue-delete', class: 'danger' });
    replace(area,
      h('section', { class: 'card', 'aria-labelledby': 'queue-entry-title' },
        h('h2', { id: 'queue-entry-title' }, 'Message'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Queue id'), h('dd', {}, h('code', { id: 'queue-entry-id' }, m.id)),
          h('dt', {}, 'From'), h('dd', { class: 'address' }, m.from || '<>'),
          h('dt', {}, 'Size'), h('dd', {}, size(m.size)),
          h('dt', {}, 'Queued'), h('dd', {}, timeEl(m.created_at)),
          h('dt', {}, 'Gives up'), h('dd', {}, timeEl(m.expires_at)),
          h('dt', {}, 'Tenant'), h('dd', {}, h('code', {}, m.tenant_id)),
          h('dt', {}, 'User'), h('dd', {}, h('code', {}, m.user_id))),
        h('p', { class: 'hint' }, 'The message itself is not shown: it stays encrypted in the queue.'),
        h('div', { class: 'actions' }, retry, remove)),
      h('section', { class: 'card', 'aria-labelledby': 'queue-rcpt-title' },
        h('h2', { id: 'queue-rcpt-title' }, 'Recipients'),
        h('div', { class: 'table-wrap' }, h('table', { id: 'queue-recipients' },
          h('caption', { class: 'visually-hidden' }, 'Recipients of the queued message'),
          h('thead', {}, h('tr', {}, ['Recipient', 'State', 'Attempts', 'Last answer', 'Next attempt'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, m.recipients.map((r) => h('tr', { class: 'queue-rcpt-row' },
            h('td', { 'data-label': 'Recipient' }, h('span', { class: 'address' }, r.recipient)),
            h('td', { 'data-label': 'State' }, stateBadge(r.state)),
            h('td', { 'data-label': 'Attempts', class: 'queue-attempts' }, String(r.attempts)),
            h('td', { 'data-label': 'Last answer', class: 'queue-last-reply' }, r.last_reply || '—'),
            h('td', { 'data-label': 'Next attempt' },
              r.state === 'queued' || r.state === 'deferred' ? timeEl(r.next_attempt_at) : '—'))))))));
  }
  await draw();
}
