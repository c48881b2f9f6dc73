// Reading mail: mailboxes with unread counts, a paged message list (a mailbox, a search, or the
// mail that arrived on one address), and the message view.
//
// The message body is hostile by assumption. Only the server's sanitised HTML is shown, and only
// inside an iframe sandboxed without allow-scripts and without allow-same-origin: even if
// something slipped through the sanitiser it could not run script, reach this page, its tokens or
// the API. The frame's document is given by srcdoc, so it inherits this app's CSP, and it carries
// a stricter CSP of its own on top. Images the message embeds (cid:) are fetched here with the
// token and handed to the frame as data: URLs (see dataUrl); remote images come only after the user asks, and
// then only https: ones (the server keeps nothing else). Style attributes are dropped (legacy
// attributes such as bgcolor, align and font colour stay): the frame inherits this app's CSP,
// which refuses inline style, and keeping that strict is worth more than the formatting.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { compose } from './compose.js';
import { heading, errorBox, loading, notice, button, field, select, checkbox, timeEl, announce, size } from '../ui.js';

const PAGE = 50;
const MAX_INLINE_IMAGES = 50;
const SORTS = [
  { value: 'arrival', label: 'Arrival' },
  { value: 'date', label: 'Date sent' },
  { value: 'from', label: 'Sender' },
  { value: 'subject', label: 'Subject' },
];
const SEARCH_FIELDS = ['from', 'to', 'subject', 'body', 'since', 'before', 'has_attachment', 'arrived_on'];

function isHttps(src) {
  try {
    return new URL(src).protocol === 'https:';
  } catch {
    return false;
  }
}

const has = (m, flag) => Array.isArray(m.flags) && m.flags.includes(flag);

export async function render(main, ctx) {
  const boxNav = h('nav', { class: 'mailboxes', 'aria-label': 'Mailboxes' }, loading('Loading your mailboxes…'));
  const messages = h('div', { class: 'messages', id: 'mail-messages' });
  const content = h('div', { class: 'mail-content' });
  const write = button('New message', { id: 'compose-new', class: 'primary', onclick: () => openCompose(null) });
  main.append(heading('Mail'), h('div', { class: 'mail' }, h('div', { class: 'mail-side' }, h('p', {}, write), boxNav, searchForm(ctx)),
    h('div', { class: 'mail-main' }, messages, content)));

  let boxes = [];
  async function loadBoxes() {
    const data = await api.get('/mailboxes');
    boxes = Array.isArray(data && data.mailboxes) ? data.mailboxes : [];
    // The inbox first, then the others by name.
    const rank = (b) => (b.special_use === 'inbox' || String(b.name).toUpperCase() === 'INBOX' ? 0 : 1);
    boxes.sort((a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name)));
    drawBoxes();
  }

  // What the list shows, from the route: an address's mail, a search, or a mailbox (the inbox first).
  const params = ctx.params;
  let view;
  if (params.get('address')) {
    view = { kind: 'search', query: new URLSearchParams({ arrived_on: params.get('address') }), title: 'Mail that arrived on an address' };
  } else if (SEARCH_FIELDS.some((f) => params.get(f))) {
    const query = new URLSearchParams();
    for (const f of SEARCH_FIELDS) if (params.get(f)) query.set(f, params.get(f));
    view = { kind: 'search', query, title: 'Search results' };
  } else {
    view = { kind: 'mailbox', id: params.get('mailbox') };
  }

  function drawBoxes() {
    replace(boxNav, h('ul', {}, boxes.map((b) => {
      const current = view.kind === 'mailbox' && view.id === b.id;
      return h('li', {}, h('a', { href: `#/mail?mailbox=${encodeURIComponent(b.id)}`, 'aria-current': current ? 'page' : null,
        'data-mailbox': b.name, class: b.unseen > 0 ? 'has-unread' : null },
      h('span', { class: 'box-name' }, b.name),
      b.unseen > 0 ? h('span', { class: 'count', 'aria-label': `${b.unseen} unread` }, String(b.unseen)) : null));
    })));
  }

  try {
    await loadBoxes();
  } catch (error) {
    replace(boxNav, errorBox(error));
    return;
  }
  if (view.kind === 'mailbox' && !boxes.some((b) => b.id === view.id)) {
    const inbox = boxes.find((b) => b.special_use === 'inbox' || String(b.name).toUpperCase() === 'INBOX') || boxes[0];
    view.id = inbox ? inbox.id : null;
    drawBoxes();
  }
  const boxName = (id) => (boxes.find((b) => b.id === id) || {}).name || '';

  // The list: cursors of the pages seen so far, like the activity screen.
  let sort = 'arrival';
  let order = 'desc';
  let cursors = [undefined];
  let index = 0;

  async function drawList() {
      replace(content, loading('Loading messages…'));
    const cursor = cursors[index];
    let path;
    if (view.kind === 'mailbox') {
      if (!view.id) {
        replace(content, h('p', { class: 'empty' }, 'You have no mailboxes.'));
        return;
      }
      const q = new URLSearchParams({ sort, order, limit: String(PAGE) });
      if (cursor !== undefined) q.set('cursor', cursor);
      path = `/mailboxes/${encodeURIComponent(view.id)}/messages?${q}`;
    } else {
      const q = new URLSearchParams(view.query);
      q.set('limit', String(PAGE));
      if (cursor !== undefined) q.set('cursor', cursor);
      path = `/messages?${q}`;
    }
    let page;
    try {
      page = await api.get(path);
    } catch (error) {
      replace(content, errorBox(error));
      return;
    }
    if (page.next_cursor) cursors[index + 1] = page.next_cursor;
    const items = Array.isArray(page.messages) ? page.messages : [];
    const title = view.kind === 'mailbox' ? boxName(view.id) : view.title;
    const controls = [];
    if (view.kind === 'mailbox') {
      const sortSel = select('Sort by', SORTS.map((s) => ({ ...s, selected: s.value === sort })), { id: 'mail-sort' });
      const orderSel = select('Order', [{ value: 'desc', label: 'Newest or Z first', selected: order === 'desc' },
        { value: 'asc', label: 'Oldest or A first', selected: order === 'asc' }], { id: 'mail-order' });
      const changed = () => {
        sort = sortSel.input.value;
        order = orderSel.input.value;
        cursors = [undefined];
        index = 0;
        drawList();
      };
      sortSel.input.addEventListener('change', changed);
      orderSel.input.addEventListener('change', changed);
      controls.push(h('div', { class: 'filter-row' }, sortSel.wrapper, orderSel.wrapper));
    } else {
      controls.push(h('p', { class: 'aside' }, h('a', { href: '#/mail', class: 'button-link', id: 'mail-clear-search' }, 'Back to the inbox')));
    }
    const rows = items.map((m) => h('tr', { class: has(m, '\\Seen') ? 'read' : 'unread', 'data-id': m.id },
      h('td', { 'data-label': 'Flag' }, has(m, '\\Flagged') ? h('span', { class: 'flagged', title: 'Flagged' }, '★') : ''),
      h('td', { 'data-label': 'From' }, m.from || '—'),
      h('td', { 'data-label': 'Subject' }, button(m.subject || '(no subject)', {
        class: 'link open-message', 'data-subject': m.subject || '', onclick: () => openMessage(m.id),
      }), m.has_attachment ? h('span', { class: 'hint' }, ' · attachment') : null),
      h('td', { 'data-label': 'Received' }, timeEl(m.received)),
      view.kind === 'search' ? h('td', { 'data-label': 'Mailbox' }, boxName(m.mailbox_id)) : null));
    const heads = ['Flag', 'From', 'Subject', 'Received'];
    if (view.kind === 'search') heads.push('Mailbox');
    replace(content, h('h2', { id: 'mail-list-title' }, title), controls,
      items.length === 0 ? h('p', { class: 'empty' }, view.kind === 'mailbox' ? 'No messages.' : 'No message matches.')
        : h('div', { class: 'table-wrap' }, h('table', { id: 'message-list' },
          h('caption', { class: 'visually-hidden' }, title),
          h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows))),
      h('nav', { class: 'pager', 'aria-label': 'Pages' },
        button('Previous', { disabled: index === 0, onclick: () => { index -= 1; drawList(); } }),
        h('span', {}, `Page ${index + 1}`),
        button('Next', { id: 'mail-next', disabled: !page.next_cursor, onclick: () => { index += 1; drawList(); } })));
  }

  /** The compose form in place of the list or message; back to the list when sent or cancelled. */
  function openCompose(reply, body, remote) {
    replace(messages);
    compose(content, {
      reply,
      onCancel: () => (reply ? drawMessage(reply, body, remote) : drawList()),
      onSent: async (text) => {
        await refreshCounts();
        await drawList();
        replace(messages, notice(text));
        announce(text);
        const title = document.getElementById('mail-list-title');
        if (title) title.setAttribute('tabindex', '-1');
        if (title) title.focus();
      },
    });
  }

  async function refreshCounts() {
    try {
      await loadBoxes();
    } catch {
      // The counts stay as they were; the list and view still work.
    }
  }

  async function openMessage(id, remote = 'block') {
      replace(messages);
    replace(content, loading('Loading the message…'));
    let m;
    try {
      m = await api.get(`/messages/${encodeURIComponent(id)}?remote_images=${remote}`);
    } catch (error) {
      replace(content, errorBox(error));
      return;
    }
    if (!has(m, '\\Seen')) {
      try {
        Object.assign(m, { flags: (await api.post(`/messages/${encodeURIComponent(m.id)}/flags`, { add: ['\\Seen'] })).flags });
        refreshCounts();
      } catch {
        // Shown anyway; it stays unread.
      }
    }
    const body = await bodyOf(m, remote === 'allow');
    drawMessage(m, body, remote);
  }

  /** The frame with the sanitised HTML, or the plain text, or a note that there is no body. */
  async function bodyOf(m, remoteAllowed) {
    if (typeof m.html === 'string' && m.html) {
      // Style attributes go before parsing: Chrome applies this page's CSP to a DOMParser document
      // too, and would refuse (and report) each one. The server's sanitiser writes every attribute
      // double-quoted and escapes quotes in values and text, so this finds exactly the attributes.
      const html = m.html.replace(/\sstyle="[^"]*"/gi, '');
      const doc = new DOMParser().parseFromString(html, 'text/html');
      // The parsed document is inert: nothing in it runs or loads. Only our inline-image URLs are
      // fetched (with the token) and swapped for data: URLs; any other source is removed.
      const prefix = `/api/v1/messages/${m.id}/inline/`;
      const fetched = new Map();
      let count = 0;
      for (const img of doc.querySelectorAll('img[src]')) {
        const src = img.getAttribute('src');
        if (src.startsWith(prefix) && count < MAX_INLINE_IMAGES) {
          if (!fetched.has(src)) {
            count += 1;
            try {
              fetched.set(src, await dataUrl(await api.blob(src.slice('/api/v1'.length))));
            } catch {
              fetched.set(src, null);
            }
          }
          const url = fetched.get(src);
          if (url) img.setAttribute('src', url); else img.removeAttribute('src');
        } else if (!(remoteAllowed && isHttps(src))) {
          img.removeAttribute('src');
        }
      }
      for (const el of doc.querySelectorAll('[style]')) el.removeAttribute('style');
      for (const el of doc.querySelectorAll('script, style, link, meta, base, iframe, object, embed, form')) el.remove();
      const meta = doc.createElement('meta');
      meta.setAttribute('http-equiv', 'Content-Security-Policy');
      meta.setAttribute('content', `default-src 'none'; img-src data:${remoteAllowed ? ' https:' : ''}; form-action 'none'`);
      doc.head.prepend(meta);
      const charset = doc.createElement('meta');
      charset.setAttribute('charset', 'utf-8');
      doc.head.prepend(charset);
      return h('iframe', {
        id: 'message-frame',
        class: 'message-frame',
        title: 'Message content',
        // No allow-scripts, no allow-same-origin: an opaque origin that runs nothing. Links open in
        // a new tab (the sanitiser set target=_blank), outside this sandbox.
        sandbox: 'allow-popups allow-popups-to-escape-sandbox',
        referrerpolicy: 'no-referrer',
        // Serialised from the inert, cleaned document into the sandboxed frame only, never into this page.
        srcdoc: `<!doctype html>${doc.documentElement.getHTML()}`,
      });
    }
    if (typeof m.text === 'string' && m.text) return h('pre', { id: 'message-text', class: 'message-text' }, m.text);
    return h('p', { class: 'empty' }, 'This message has no text.');
  }

  function drawMessage(m, body, remote) {
    const flagged = has(m, '\\Flagged');
    const seen = has(m, '\\Seen');
    const area = h('div', { class: 'messages' });
    const target = select('Move to', boxes.filter((b) => b.id !== m.mailbox_id).map((b, i) => ({ value: b.id, label: b.name, selected: i === 0 })),
      { id: 'move-target' });
    const change = async (work) => {
      replace(area);
      try {
        await work();
      } catch (error) {
        replace(area, errorBox(error));
      }
    };
    const setFlags = (add, remove) => change(async () => {
      const updated = await api.post(`/messages/${encodeURIComponent(m.id)}/flags`, { add, remove });
      m.flags = updated.flags;
      drawMessage(m, body, remote);
      refreshCounts();
    });
    const back = async (text) => {
      await drawList();
      if (text) {
        replace(messages, notice(text));
        announce(text);
      }
    };
    const attachments = (Array.isArray(m.attachments) ? m.attachments : []).filter((a) => !a.inline || !a.content_id);
    replace(content,
      h('article', { class: 'message', 'aria-labelledby': 'message-subject' },
        h('p', {}, button('Back to the list', { id: 'message-back', onclick: () => back() })),
        h('h2', { id: 'message-subject' }, m.subject || '(no subject)'),
        h('dl', { class: 'headers' },
          h('dt', {}, 'From'), h('dd', { id: 'message-from' }, m.from || '—'),
          h('dt', {}, 'To'), h('dd', {}, m.to || '—'),
          m.cc ? [h('dt', {}, 'Cc'), h('dd', {}, m.cc)] : null,
          h('dt', {}, 'Date'), h('dd', {}, timeEl(m.date || m.received)),
          m.arrived_on ? [h('dt', {}, 'Arrived on'), h('dd', { class: 'address' }, m.arrived_on.address)] : null),
        h('div', { class: 'actions toolbar' },
          button('Reply', { id: 'reply-message', class: 'primary', onclick: () => openCompose(m, body, remote) }),
          button(flagged ? 'Unflag' : 'Flag', { id: 'flag-toggle', 'aria-pressed': flagged ? 'true' : 'false',
            onclick: () => setFlags(flagged ? [] : ['\\Flagged'], flagged ? ['\\Flagged'] : []) }),
          button(seen ? 'Mark unread' : 'Mark read', { id: 'seen-toggle',
            onclick: () => setFlags(seen ? [] : ['\\Seen'], seen ? ['\\Seen'] : []) }),
          h('span', { class: 'move' }, target.wrapper, button('Move', { id: 'move-button', onclick: () => change(async () => {
            const to = target.input.value;
            if (!to) return;
            await api.post(`/messages/${encodeURIComponent(m.id)}/move`, { mailbox: to });
            await refreshCounts();
            await back(`Moved to ${boxName(to)}.`);
          }) })),
          button('Delete', { id: 'delete-message', class: 'danger', onclick: () => change(async () => {
            const r = await api.del(`/messages/${encodeURIComponent(m.id)}`);
            await refreshCounts();
            await back(r && r.result === 'expunged' ? 'Deleted for good.' : 'Moved to Trash.');
          }) })),
        area,
        m.remote_content_blocked > 0 && remote !== 'allow'
          ? h('p', { class: 'notice warn', id: 'remote-blocked' },
            `${m.remote_content_blocked} remote image${m.remote_content_blocked === 1 ? ' was' : 's were'} not loaded, so the sender cannot see that you opened this message. `,
            button('Load remote images', { id: 'load-remote', onclick: () => openMessage(m.id, 'allow') }))
          : null,
        m.truncated ? h('p', { class: 'notice warn' }, 'This message is too long to show in full.') : null,
        h('div', { class: 'message-body' }, body),
        attachments.length ? h('section', { 'aria-labelledby': 'attachments-title' },
          h('h3', { id: 'attachments-title' }, 'Attachments'),
          h('ul', { class: 'attachments' }, attachments.map((a) => h('li', {},
            button(`Download ${a.filename}`, { class: 'download', 'data-part': a.part_id, onclick: () => change(() => download(m, a)) }),
            ' ', h('span', { class: 'hint' }, `${a.content_type}, ${size(a.size)}`))))) : null));
  }

  await drawList();
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/**
 * An inline image as a data: URL for the message frame. Not a blob: URL: Chromium does not let
 * the sandboxed frame's opaque origin load a blob: URL this page made. Only the passive image
 * types the server serves inline are accepted.
 */
function dataUrl(data) {
  if (!IMAGE_TYPES.includes(data.type)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : null);
    reader.onerror = () => resolve(null);
    reader.readAsDataURL(data);
  });
}

/** Fetches a part with the token and saves it under the server's file name through a blob: link. */
async function download(m, a) {
  const data = await api.blob(`/messages/${encodeURIComponent(m.id)}/attachments/${encodeURIComponent(a.part_id)}`);
  // Saved as bytes, never opened: the type the browser sees is neutral.
  const url = URL.createObjectURL(new Blob([data], { type: 'application/octet-stream' }));
  const link = h('a', { href: url, download: a.filename || 'attachment' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function searchForm(ctx) {
  const p = ctx.params;
  const messages = h('div', { class: 'messages' });
  const from = field('From', { name: 'from', id: 'search-from', value: p.get('from') || '' });
  const to = field('To', { name: 'to', id: 'search-to', value: p.get('to') || '' });
  const subject = field('Subject', { name: 'subject', id: 'search-subject', value: p.get('subject') || '' });
  const body = field('Text', { name: 'body', id: 'search-body', value: p.get('body') || '' });
  const since = field('Since', { name: 'since', id: 'search-since', type: 'date', value: p.get('since') || '' });
  const before = field('Before', { name: 'before', id: 'search-before', type: 'date', value: p.get('before') || '' });
  const attach = checkbox('Has attachments', { id: 'search-attachment', checked: p.get('has_attachment') === 'true' });
  const form = h('form', { id: 'search-form', class: 'search', role: 'search', 'aria-label': 'Search mail' },
    from.wrapper, to.wrapper, subject.wrapper, body.wrapper, since.wrapper, before.wrapper,
    attach.wrapper, messages, h('p', {}, h('button', { type: 'submit', class: 'primary' }, 'Search')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const [k, f] of [['from', from], ['to', to], ['subject', subject], ['body', body], ['since', since], ['before', before]]) {
      if (f.input.value.trim()) q.set(k, f.input.value.trim());
    }
    if (attach.input.checked) q.set('has_attachment', 'true');
    if ([...q.keys()].length === 0) {
      replace(messages, errorBox({ message: 'Fill in at least one field.' }));
      return;
    }
    ctx.navigate(`mail?${q}`);
  });
  // Folded away until wanted (open when the screen shows a search), so a phone sees the list first.
  return h('details', { class: 'card search-toggle', id: 'search-toggle', open: SEARCH_FIELDS.some((f) => p.get(f)) && !p.get('arrived_on') },
    h('summary', {}, 'Search'), form);
}
