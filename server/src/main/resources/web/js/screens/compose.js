// Writing mail: a new message or a reply, sent through POST /messages/send.
//
// Everything typed or attached goes to the server as JSON and nowhere else: attachments are read
// in memory (never uploaded elsewhere, never put in a URL) and only the file name and size are
// shown back. The checks here are a courtesy; the server decides (who may send from which
// address, recipients, sizes) and its refusal is shown as it gave it.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { errorBox, loading, button, field, select, announce, size } from '../ui.js';

// The server's submission limit defaults to 10 MiB for the whole message; base64 adds a third.
const MAX_ATTACHMENT_BYTES = 7 * 1024 * 1024;
const MAX_FILES = 20;
// Light check only: something@something.something, no spaces.
const ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;

/** The bare address from "Name <a@b>" or "a@b"; '' when there is none. */
export function bareAddress(value) {
  const text = String(value || '').trim();
  const angle = /<([^<>]+)>/.exec(text);
  return (angle ? angle[1] : text).trim();
}

/** "Re: " once, however many the original carried. */
export function replySubject(subject) {
  return `Re: ${String(subject || '').replace(/^(\s*re\s*:\s*)+/i, '')}`.trim();
}

function quoted(m) {
  const text = typeof m.text === 'string' ? m.text : '';
  const lines = text.replace(/\r\n/g, '\n').replace(/\s+$/, '').split('\n').map((l) => (l ? `> ${l}` : '>'));
  return `\n\n${m.from || 'Someone'} wrote:\n${lines.join('\n')}\n`;
}

function recipients(value) {
  return String(value || '').split(/[,;]/).map((s) => bareAddress(s)).filter((s) => s);
}

function base64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * Draws the compose form into `container`. reply: the message view being answered, or null.
 * onCancel(): back without sending; onSent(text): back after the server accepted the message.
 */
export async function compose(container, { reply = null, onCancel, onSent }) {
  replace(container, loading('Loading your addresses…'));
  let addresses;
  try {
    const data = await api.get('/addresses');
    addresses = (Array.isArray(data && data.addresses) ? data.addresses : []).filter((a) => a.state === 'active');
  } catch (error) {
    replace(container, errorBox(error));
    return;
  }
  if (addresses.length === 0) {
    replace(container, h('h2', { id: 'compose-title' }, reply ? 'Reply' : 'New message'),
      h('p', { class: 'empty', id: 'compose-no-address' }, 'You have no active address to send from. Create one on the Addresses screen.'),
      button('Back', { id: 'compose-cancel', onclick: () => onCancel() }));
    return;
  }
  addresses.sort((a, b) => String(a.address).localeCompare(String(b.address)));
  const arrived = reply && reply.arrived_on ? reply.arrived_on.id : null;
  const preselected = addresses.some((a) => a.id === arrived) ? arrived : addresses[0].id;

  const from = select('From', addresses.map((a) => ({ value: a.address, label: a.address, selected: a.id === preselected })),
    { id: 'compose-from', name: 'from' });
  const to = field('To', { name: 'to', id: 'compose-to', type: 'text', autocomplete: 'off', spellcheck: 'false',
    value: reply ? bareAddress(reply.reply_to || reply.from) : '' }, 'Separate addresses with commas.');
  const cc = field('Cc', { name: 'cc', id: 'compose-cc', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const bcc = field('Bcc', { name: 'bcc', id: 'compose-bcc', type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const subject = field('Subject', { name: 'subject', id: 'compose-subject', type: 'text', maxlength: '900',
    value: reply ? replySubject(reply.subject) : '' });
  const body = field('Message', { tag: 'textarea', name: 'text', id: 'compose-text', rows: '14' });
  if (reply) body.input.value = quoted(reply);

  const files = [];
  const fileList = h('ul', { class: 'attachments', id: 'compose-files', 'aria-live': 'polite' });
  const fileMessages = h('div', { class: 'messages', id: 'compose-file-messages' });
  const picker = h('input', { type: 'file', id: 'compose-attach', multiple: true, 'aria-describedby': 'compose-attach-hint' });
  const total = () => files.reduce((n, f) => n + f.size, 0);
  function drawFiles() {
    replace(fileList, files.map((f, i) => h('li', { 'data-filename': f.filename },
      h('span', { class: 'file-name' }, f.filename), ' ', h('span', { class: 'hint' }, size(f.size)), ' ',
      button('Remove', { class: 'remove-file', 'aria-label': `Remove ${f.filename}`, onclick: () => {
        files.splice(i, 1);
        drawFiles();
        announce(`Removed ${f.filename}.`);
        picker.focus();
      } }))));
  }
  picker.addEventListener('change', async () => {
    replace(fileMessages);
    const chosen = [...picker.files];
    picker.value = '';
    for (const file of chosen) {
      if (files.length >= MAX_FILES) {
        replace(fileMessages, errorBox({ message: `At most ${MAX_FILES} attachments.` }));
        break;
      }
      if (total() + file.size > MAX_ATTACHMENT_BYTES) {
        replace(fileMessages, errorBox({ message: `${file.name} is not attached: attachments may add up to ${size(MAX_ATTACHMENT_BYTES)} in all.` }));
        continue;
      }
      try {
        files.push({ filename: file.name, content_type: file.type || 'application/octet-stream', size: file.size,
          content_base64: base64(await file.arrayBuffer()) });
      } catch {
        replace(fileMessages, errorBox({ message: `${file.name} could not be read.` }));
      }
    }
    drawFiles();
  });

  const messages = h('div', { class: 'messages', id: 'compose-messages' });
  const send = h('button', { type: 'submit', class: 'primary', id: 'compose-send' }, 'Send');
  const form = h('form', { id: 'compose-form', class: 'compose', 'aria-labelledby': 'compose-title', novalidate: true },
    h('h2', { id: 'compose-title', tabindex: '-1' }, reply ? 'Reply' : 'New message'),
    from.wrapper, to.wrapper, cc.wrapper, bcc.wrapper, subject.wrapper, body.wrapper,
    h('div', { class: 'field' }, h('label', { for: 'compose-attach' }, 'Attachments'), picker,
      h('p', { class: 'hint', id: 'compose-attach-hint' }, `Up to ${size(MAX_ATTACHMENT_BYTES)} in all.`)),
    fileList, fileMessages, messages,
    h('p', { class: 'actions' }, send, button('Cancel', { id: 'compose-cancel', onclick: () => onCancel() })));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(messages);
    const lists = { to: recipients(to.input.value), cc: recipients(cc.input.value), bcc: recipients(bcc.input.value) };
    const bad = [...lists.to, ...lists.cc, ...lists.bcc].filter((a) => !ADDRESS.test(a));
    if (lists.to.length + lists.cc.length + lists.bcc.length === 0) {
      replace(messages, errorBox({ message: 'Add at least one recipient.' }));
      to.input.focus();
      return;
    }
    if (bad.length) {
      replace(messages, errorBox({ message: `Not an email address: ${bad.join(', ')}` }));
      to.input.focus();
      return;
    }
    const payload = { from: from.input.value, to: lists.to, cc: lists.cc, bcc: lists.bcc, subject: subject.input.value,
      text: body.input.value, attachments: files.map(({ filename, content_type, content_base64 }) => ({ filename, content_type, content_base64 })) };
    if (reply) payload.in_reply_to = reply.id;
    form.querySelectorAll('button, input, select, textarea').forEach((el) => { el.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    send.textContent = 'Sending…';
    replace(messages, loading('Sending…'));
    try {
      await api.post('/messages/send', payload);
      onSent('Sent.');
    } catch (error) {
      form.querySelectorAll('button, input, select, textarea').forEach((el) => { el.disabled = false; });
      form.removeAttribute('aria-busy');
      send.textContent = 'Send';
      replace(messages, errorBox(error));
      // The form is long on a phone: bring the refusal into view (role=alert reads it out).
      messages.scrollIntoView({ block: 'center' });
    }
  });
  replace(container, form);
  (reply ? body.input : to.input).focus();
  if (reply) body.input.setSelectionRange(0, 0);
}
