// Shared pieces of the screens: headings, forms, messages, tables with paging, one-time secrets.
import { h, append, replace, uid } from './dom.js';

/** Says something to screen readers without moving focus. */
export function announce(text) {
  const region = document.getElementById('announcer');
  region.textContent = '';
  // A fresh text node after a tick makes screen readers read it even when it repeats.
  setTimeout(() => { region.textContent = text; }, 30);
}

/** A screen's heading; focused when the screen opens so keyboard and screen reader users start there. */
export function heading(text) {
  return h('h1', { tabindex: '-1', class: 'screen-title' }, text);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status', 'aria-busy': 'true' }, text);
}

export function errorBox(error) {
  const message = error && error.message ? error.message : 'Something went wrong.';
  return h('p', { class: 'error', role: 'alert' }, message);
}

export function notice(text, kind = 'ok') {
  return h('p', { class: `notice ${kind}`, role: 'status' }, text);
}

/** A labelled input; the label is tied to the control for screen readers. */
export function field(label, attrs = {}, hint = null) {
  const id = attrs.id || uid('f');
  const hintId = hint ? `${id}-hint` : null;
  const input = h(attrs.tag || 'input', { ...attrs, tag: null, id, 'aria-describedby': hintId });
  const wrapper = h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
  return { wrapper, input };
}

export function select(label, options, attrs = {}) {
  const id = attrs.id || uid('s');
  const input = h('select', { ...attrs, id },
    options.map((o) => h('option', { value: o.value, selected: o.selected || false }, o.label)));
  return { wrapper: h('div', { class: 'field' }, h('label', { for: id }, label), input), input };
}

export function checkbox(label, attrs = {}) {
  const id = attrs.id || uid('c');
  const input = h('input', { type: 'checkbox', ...attrs, id });
  return { wrapper: h('div', { class: 'check' }, input, h('label', { for: id }, label)), input };
}

export function button(text, attrs = {}) {
  return h('button', { type: 'button', ...attrs }, text);
}

/**
 * Runs a form's submit: disables its buttons while busy, shows errors in the form's message area.
 * The handler gets the form; what it returns is ignored.
 */
export function onSubmit(form, messageArea, handler) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    form.setAttribute('aria-busy', 'true');
    replace(messageArea);
    try {
      await handler(form);
    } catch (error) {
      replace(messageArea, errorBox(error));
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      form.removeAttribute('aria-busy');
    }
  });
}

/** A button that asks once more before acting: the first press arms it for a few seconds. */
export function confirmButton(text, confirmText, action, attrs = {}) {
  let armed = null;
  const b = button(text, attrs);
  b.addEventListener('click', async () => {
    if (!armed) {
      b.textContent = confirmText;
      b.classList.add('armed');
      armed = setTimeout(() => {
        armed = null;
        b.textContent = text;
        b.classList.remove('armed');
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    b.disabled = true;
    try {
      await action();
    } finally {
      b.disabled = false;
      b.textContent = text;
      b.classList.remove('armed');
    }
  });
  return b;
}

/**
 * A short name for a User-Agent ("Firefox on Windows"); the full string stays in the title.
 * Only a label for people: nothing is decided from it.
 */
export function device(userAgent) {
  if (!userAgent) return 'Unknown device';
  const ua = String(userAgent);
  const browsers = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari']];
  const systems = [['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']];
  const browser = browsers.find(([token]) => ua.includes(token));
  const system = systems.find(([token]) => ua.includes(token));
  if (!browser && !system) return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
  const name = browser ? browser[1] : 'A program';
  return system ? `${name} on ${system[1]}` : name;
}

export function deviceEl(userAgent) {
  return h('span', { title: userAgent || null }, device(userAgent));
}

/** A date-time from the API, in the browser's locale; '—' when absent. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function timeEl(iso) {
  return iso ? h('time', { datetime: iso }, when(iso)) : '—';
}

/**
 * A table of rows with paging in the browser. columns: [{ label, cell(row) -> node|string }].
 * On a phone the CSS turns each row into a card labelled from data-label.
 */
export function pagedTable(caption, columns, rows, { pageSize = 20, empty = 'Nothing here yet.', rowClass, page: first = 0, onPage } = {}) {
  const container = h('div', { class: 'table-wrap' });
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  let page = Math.min(Math.max(0, first), pages - 1);
  function draw() {
    if (rows.length === 0) {
      replace(container, h('p', { class: 'empty' }, empty));
      return;
    }
    const slice = rows.slice(page * pageSize, (page + 1) * pageSize);
    const table = h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', {}, slice.map((row) => h('tr', { class: rowClass ? rowClass(row) : null },
        columns.map((c) => h('td', { 'data-label': c.label }, c.cell(row)))))));
    replace(container, table, pages > 1 ? pager(page, pages, (p) => {
      page = p;
      if (onPage) onPage(p);
      draw();
    }) : null);
  }
  draw();
  return container;
}

/** Previous / next buttons and "page x of y". */
export function pager(page, pages, go) {
  return h('nav', { class: 'pager', 'aria-label': 'Pages' },
    button('Previous', { disabled: page === 0, onclick: () => go(page - 1) }),
    h('span', { 'aria-live': 'polite' }, `Page ${page + 1} of ${pages}`),
    button('Next', { disabled: page >= pages - 1, onclick: () => go(page + 1) }));
}

/** A secret shown once (app password, invitation token), with a copy button. */
export function secretOnce(title, value, explanation) {
  const code = h('code', { class: 'secret', tabindex: '0' }, value);
  const copied = h('span', { class: 'hint', role: 'status' });
  return h('section', { class: 'once', 'aria-label': title },
    h('h2', {}, title),
    h('p', {}, explanation),
    code,
    h('p', {}, button('Copy', {
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(value);
          copied.textContent = 'Copied.';
        } catch {
          copied.textContent = 'Copying is not allowed here; select the text and copy it.';
        }
      },
    }), ' ', copied));
}

export { h, append, replace };

/** A byte count for people: B, KB or MB. */
export function size(bytes) {
  if (typeof bytes !== 'number') return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
