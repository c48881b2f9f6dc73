// One domain's DNS records (the same list `./postern dns DOMAIN` prints) and whether the server's
// resolver finds each one right now. Values from DNS are shown as text only.
import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { heading, errorBox, loading, notice, button, pagedTable, when, announce } from '../ui.js';

// What each status means, in words (the badge never relies on colour alone).
const STATUS = {
  found: 'Found',
  different: 'Different',
  missing: 'Not found',
  lookup_failed: 'Lookup failed',
};

export async function render(main, { params }) {
  const id = params.get('id') || '';
  const title = heading('DNS records');
  const summary = h('div', { id: 'dns-summary' });
  const area = h('div', { id: 'dns-area' });
  const again = button('Check again', { id: 'dns-check-again', onclick: () => check() });
  main.append(title,
    h('p', {}, h('a', { href: '#/admin', id: 'back-to-admin' }, '← Back to admin')),
    h('section', { class: 'card', 'aria-labelledby': 'dns-records-title' },
      h('div', { class: 'title-row' }, h('h2', { id: 'dns-records-title' }, 'Records to publish'), again),
      summary, area));

  async function check() {
    again.disabled = true;
    replace(summary);
    replace(area, loading('Looking the records up in DNS… this can take a few seconds.'));
    let result;
    try {
      result = await api.get(`/admin/domains/${encodeURIComponent(id)}/dns`);
    } catch (error) {
      replace(area, errorBox(error));
      again.disabled = false;
      return;
    }
    again.disabled = false;
    const name = result.domain.name;
    title.textContent = `DNS records for ${name}`;
    document.title = `${title.textContent} · Postern`;
    const counts = {};
    result.records.forEach((r) => { counts[r.status] = (counts[r.status] || 0) + 1; });
    const found = counts.found || 0;
    const text = `${found} of ${result.records.length} records found in DNS, checked ${when(result.checked_at)}.`;
    replace(summary,
      notice(text, found === result.records.length ? 'ok' : 'warn'),
      result.dkim_keys === 0
        ? notice(`${name} has no DKIM key yet, so its mail goes out unsigned. An operator creates one with: ./postern dkim generate ${name}`, 'warn')
        : null,
      h('p', { class: 'hint' }, `Publish these at your DNS provider. This server is ${result.hostname}; `
        + 'it asks its own resolver, so a record just published may take a while to show.'));
    announce(text);
    replace(area,
      pagedTable(`DNS records for ${name}`, [
        { label: 'Status', cell: (r) => h('span', { class: `badge dns-status dns-status-${r.status}` }, STATUS[r.status] || r.status) },
        { label: 'Type', cell: (r) => h('span', { class: 'nowrap' }, r.type) },
        { label: 'Name', cell: (r) => h('code', { class: 'address dns-name' }, r.name) },
        { label: 'Value to publish', cell: (r) => h('div', {},
          h('code', { class: 'dns-value' }, r.value),
          h('p', { class: 'hint' }, r.purpose)) },
        { label: 'In DNS now', cell: (r) => foundCell(r) },
      ], result.records, { rowClass: (r) => `dns-row dns-row-${r.status}`, empty: 'No records.' }),
      h('details', { class: 'zone' },
        h('summary', {}, 'As a zone file'),
        h('pre', { class: 'zone-file', tabindex: '0', id: 'dns-zone' }, result.zone),
        h('p', {}, button('Copy', { onclick: async (event) => {
          const b = event.currentTarget;
          try {
            await navigator.clipboard.writeText(result.zone);
            b.textContent = 'Copied';
          } catch {
            b.textContent = 'Select the text to copy it';
          }
        } }))));
  }

  if (!/^[0-9a-f-]{36}$/.test(id)) {
    replace(area, errorBox({ message: 'No such domain.' }));
    again.disabled = true;
    return;
  }
  await check();
}

function foundCell(r) {
  if (r.status === 'missing') return h('span', { class: 'dns-found' }, 'Nothing of this kind');
  if (r.status === 'lookup_failed') return h('span', { class: 'dns-found' }, 'No answer from DNS in time; try again');
  if (r.status === 'found') return h('span', { class: 'dns-found' }, 'Matches');
  return h('ul', { class: 'dns-found found-values' }, r.found.map((v) => h('li', {}, h('code', {}, v))));
}
