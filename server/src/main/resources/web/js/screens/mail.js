// Reading mail. This module is the slot for the mail screens: the navigation offers it only when
// the server answers GET /api/v1/mailboxes (see session.js). Until the message list and message
// view are written against that API, it shows the mailboxes the server reports, nothing invented.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, errorBox, loading, pagedTable } from '../ui.js';

export async function render(main, ctx) {
  const area = h('div', {}, loading('Loading your mailboxes…'));
  main.append(heading('Mail'), area);
  const address = ctx.params.get('address');
  let data;
  try {
    data = await api.get('/mailboxes');
  } catch (error) {
    replace(area, errorBox(error));
    return;
  }
  const boxes = Array.isArray(data && data.mailboxes) ? data.mailboxes : [];
  const number = (v) => (typeof v === 'number' ? String(v) : '—');
  replace(area,
    address ? h('p', { class: 'aside' }, 'Showing the mail of one address is not available yet.') : null,
    pagedTable('Mailboxes', [
      { label: 'Mailbox', cell: (b) => String(b.name ?? '') },
      { label: 'Messages', cell: (b) => number(b.messages ?? b.total) },
      { label: 'Unread', cell: (b) => number(b.unseen ?? b.unread) },
    ], boxes, { empty: 'No mailboxes.' }));
}
