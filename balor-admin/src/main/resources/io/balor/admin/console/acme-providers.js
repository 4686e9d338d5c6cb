// The ACME view's DNS providers (the state's acme_providers), which a dns01 challenge writes its
// TXT records through: Cloudflare, Route53 or a generic webhook, each with its own keys. Secrets
// (api_token, secret_key) are write-only: the API shows them as "<redacted>", the table says only
// that one is set, and the edit form leaves their inputs empty ("unchanged"); an input left so
// sends "<redacted>" back, which keeps the stored value.
import * as api from './api.js';
import { act, collect, field, formAlert, notify, openDialog, showProblems } from './forms.js';
import { el } from './views.js';

/** What the API shows in place of a secret, and takes back as "keep it". */
export const REDACTED = '<redacted>';
const SECRETS = ['api_token', 'secret_key'];
const KINDS = [['cloudflare', 'Cloudflare'], ['route53', 'Amazon Route 53'], ['generic', 'generic webhook']];

/** Each key's label, help, and the kinds of provider that use it (the API refuses it on the others). */
const KEYS = [
  ['api_token', 'API token', 'Cloudflare: a token with Zone.DNS edit; webhook: sent as a bearer token',
    ['cloudflare', 'generic']],
  ['access_key', 'Access key ID', '', ['route53']],
  ['secret_key', 'Secret access key', '', ['route53']],
  ['api_base', 'API URL', 'webhook: where the TXT record is POSTed; others: their API, to change it', ['generic',
    'cloudflare', 'route53']],
  ['delete_url', 'Delete URL', 'webhook: where the record is removed (default: the API URL)', ['generic']],
  ['region', 'AWS region', 'default us-east-1', ['route53']],
  ['zone', 'Zone', 'the domain whose records are changed (default: found from the name)', ['cloudflare', 'route53',
    'generic']],
  ['zone_id', 'Zone ID', 'skips looking the zone up', ['cloudflare', 'route53']],
  ['txt_prefix', 'TXT record prefix', 'default _acme-challenge', ['cloudflare', 'route53', 'generic']],
  ['resolver', 'DNS resolver', 'where Balor checks the record is visible (host:port)', ['cloudflare', 'route53',
    'generic']],
];

/** What a provider's row says of a value: secrets only as set, never their value. */
function shown(provider, key) {
  if (provider[key] === undefined || provider[key] === null) return null;
  return el('div', { class: 'route' }, `${key}: `, SECRETS.includes(key) ? el('span', { class: 'masked',
    title: 'set; write-only' }, '••••••') : provider[key]);
}

/**
 * The providers' table and its Add button. usedBy: provider name → the hosts of the jobs that
 * use it (a provider in use cannot be deleted), or null when the jobs are not known.
 */
export function providersSection(providers, usedBy, context) {
  const table = el('table', { class: 'grid', id: 'providers' },
    el('caption', {}, `${providers.length} DNS provider${providers.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Provider', 'Settings', 'Used by', 'Actions']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, providers.map((p) => {
      const users = (usedBy && usedBy.get(p.name)) || [];
      return el('tr', { 'data-name': p.name },
        el('td', {}, p.name),
        el('td', {}, (KINDS.find(([k]) => k === p.provider) || [p.provider, p.provider])[1]),
        el('td', {}, KEYS.map(([key]) => shown(p, key))),
        el('td', {}, users.join(', ')),
        el('td', { class: 'row-actions' },
          el('button', { type: 'button', class: 'small', 'aria-label': `Edit provider ${p.name}`,
            onclick: () => editProvider(p, context) }, 'Edit'),
          el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete provider ${p.name}`,
            disabled: users.length > 0, title: users.length ? `used by ${users.join(', ')}` : false,
            onclick: () => act(context, { ask: { title: `Delete ${p.name}?`, message: `DNS provider ${p.name} and its`
              + ' credentials are removed from the state.', action: 'Delete' }, method: 'DELETE',
            path: `/api/acme/providers/${encodeURIComponent(p.name)}`, done: `DNS provider ${p.name} deleted.` }) },
          'Delete')));
    })));
  return el('section', { 'aria-labelledby': 'providers-title' },
    el('div', { class: 'title-row' }, el('h2', { id: 'providers-title' }, 'DNS providers'),
      el('button', { type: 'button', id: 'new-provider', onclick: () => editProvider(null, context) },
        'Add DNS provider')),
    el('p', { class: 'muted' }, 'A dns01 challenge proves a name by a TXT record, written through one of these.'),
    table);
}

/** Opens the form for provider (null: a new one); saves with POST or PUT, and shows what the API said. */
export function editProvider(provider, context) {
  const creating = !provider;
  const stored = provider || {};
  const kind = field('provider', 'Provider', stored.provider || 'cloudflare', { kind: 'select', options: KINDS });
  const inputs = KEYS.map(([key, label, help, kinds]) => {
    const secret = SECRETS.includes(key);
    const kept = secret && stored[key] !== undefined && stored[key] !== null;
    const holder = field(key, label, secret ? '' : stored[key], { kind: secret ? 'password' : 'text', help,
      placeholder: kept ? 'unchanged' : '' });
    holder.querySelector('input').autocomplete = secret ? 'new-password' : 'off';
    holder.kinds = kinds;
    holder.kept = kept;
    return holder;
  });
  const form = el('form', { class: 'edit', novalidate: true }, formAlert(),
    el('div', { class: 'cols' }, field('name', 'Name', stored.name, { required: true, placeholder: 'cloudflare-main' }),
      kind, inputs),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, creating ? 'Add provider' : 'Save provider')));
  const sync = () => {
    const chosen = kind.querySelector('select').value;
    for (const holder of inputs) holder.hidden = !holder.kinds.includes(chosen);
  };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = collect(form, {});
    for (const holder of inputs) {   // a stored secret left empty: "keep it"
      if (holder.kept && !holder.hidden && body[holder.dataset.field] === undefined) body[holder.dataset.field] = REDACTED;
    }
    try {
      if (creating) await api.call('POST', '/api/acme/providers', body);
      else await api.call('PUT', `/api/acme/providers/${encodeURIComponent(stored.name)}`, body);
      handle.close('saved');
      notify(`DNS provider ${body.name} ${creating ? 'added' : 'saved'}.`);
      context.refresh();
    } catch (e) {
      for (const input of form.querySelectorAll('input[type="password"]')) input.value = '';
      showProblems(form, e);
    }
  });
  const handle = openDialog(creating ? 'New DNS provider' : `Edit DNS provider ${stored.name}`, form, { wide: true });
  if (!creating) form.querySelector('[data-path="name"]').readOnly = true;
  return handle;
}
