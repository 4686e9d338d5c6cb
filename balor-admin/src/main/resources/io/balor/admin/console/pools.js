// The pools view: upstreams with their live health and, for operators, an enabled switch that
// applies at once, the pool form (upstream rows, bulk paste of the original's "name=address
// weight" lines, health checks, passive health, slow start, upstream TLS) and delete.
import * as api from './api.js';
import { act, collect, field, formAlert, getPath, notify, openDialog, refusal, renumber, showProblems } from './forms.js';
import { el, healthBadge, searchable } from './views.js';

const LIVE = ['upstream_health', 'used_by'];

/** An upstream as an object: the original text form "name=address weight" becomes {name, address, weight}. */
export function upstreamObject(upstream) {
  if (typeof upstream !== 'string') return { ...upstream };
  const match = /^\s*(?:([^=\s]+)=)?(\S+)(?:\s+(\d+))?\s*$/.exec(upstream);
  if (!match) return { address: upstream };
  const object = { address: match[2] };
  if (match[1]) object.name = match[1];
  if (match[3]) object.weight = Number(match[3]);
  return object;
}

function strip(pool) {
  const copy = structuredClone(pool || {});
  for (const key of LIVE) delete copy[key];
  return copy;
}

export async function poolsPage(context) {
  const pools = await api.call('GET', '/api/pools');
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${pools.length} pool${pools.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Upstreams', 'Health', 'Used by', context.canWrite ? 'Actions' : null]
      .filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, pools.map((p) => el('tr', { 'data-name': p.name },
      el('td', {}, p.name, p.send_proxy_protocol ? el('span', { class: 'badge' }, `PROXY ${p.send_proxy_protocol}`) : null,
        p.protocol && p.protocol !== 'http1' ? el('span', { class: 'badge' }, p.protocol) : null,
        p.health_check ? el('span', { class: 'badge' }, `${p.health_check.type || 'tcp'} check`) : null),
      el('td', {}, (p.upstreams || []).map((u, i) => upstreamLine(p, i, context))),
      el('td', {}, (p.upstream_health || []).map(healthBadge)),
      el('td', {}, (p.used_by || []).join(', ')),
      context.canWrite ? el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'small', 'aria-label': `Edit pool ${p.name}`,
          onclick: () => editPool(p, context) }, 'Edit'),
        el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete pool ${p.name}`,
          onclick: () => deletePool(p, context) }, 'Delete')) : null))));
  return el('section', { 'aria-labelledby': 'pools-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'pools-title' }, 'Pools'),
      context.canWrite ? el('button', { type: 'button', id: 'new-pool', onclick: () => editPool(null, context) },
        'New pool') : null),
    searchable('Search pools', table), table);
}

/** One upstream: its address and weight, and for operators a switch that enables or disables it at once. */
function upstreamLine(pool, index, context) {
  const upstream = upstreamObject(pool.upstreams[index]);
  const label = `${upstream.name ? `${upstream.name} ` : ''}${upstream.address}`
    + (upstream.weight !== undefined ? ` (weight ${upstream.weight})` : '');
  if (!context.canWrite) {
    return el('div', {}, label, upstream.enabled === false ? el('span', { class: 'badge disabled' }, 'disabled') : null);
  }
  const toggle = el('input', { type: 'checkbox', id: `up-${pool.name}-${index}`, 'data-upstream': upstream.address });
  toggle.checked = upstream.enabled !== false;
  toggle.addEventListener('change', async () => {
    const body = strip(pool);
    body.upstreams = body.upstreams.map(upstreamObject);
    body.upstreams[index].enabled = toggle.checked;
    try {
      await api.call('PUT', `/api/pools/${encodeURIComponent(pool.name)}`, body);
      notify(`${upstream.address} in ${pool.name} ${toggle.checked ? 'enabled' : 'disabled'}: applied live.`);
      context.refresh();
    } catch (e) {
      toggle.checked = !toggle.checked;
      notify(refusal(e), 'error');
    }
  });
  return el('div', { class: 'switch' }, toggle, el('label', { for: toggle.id }, label));
}

function deletePool(pool, context) {
  return act(context, { ask: { title: `Delete ${pool.name}?`, message: `Pool ${pool.name} and its upstreams are removed.`,
    action: 'Delete' }, method: 'DELETE', path: `/api/pools/${encodeURIComponent(pool.name)}`,
  done: `Pool ${pool.name} deleted.` });
}

function upstreamRow(upstream, remove) {
  const row = el('div', { class: 'upstream-row' },
    field('name', 'Name', upstream.name),
    field('address', 'Address', upstream.address, { placeholder: 'http://10.0.0.4:8080' }),
    field('weight', 'Weight', upstream.weight, { kind: 'number' }),
    field('enabled', 'Enabled', upstream.enabled !== false, { kind: 'checkbox' }),
    el('button', { type: 'button', class: 'small secondary', onclick: () => remove(row) }, 'Remove'));
  row.original = structuredClone(upstream);
  return row;
}

/** Opens the form for pool (null: a new one). */
export function editPool(pool, context) {
  const base = strip(pool);
  const creating = !pool;
  const rows = el('div', { class: 'upstreams' });
  const number = () => renumber(rows, 'upstreams');
  const remove = (row) => { row.remove(); number(); };
  const add = (upstream) => { rows.append(upstreamRow(upstream, remove)); number(); };
  (base.upstreams || []).map(upstreamObject).forEach(add);
  const bulk = field('_bulk', 'Paste upstreams, one per line: name=address weight', '',
    { kind: 'textarea', placeholder: 'app1=http://10.0.0.4:8080 1\napp2=http://10.0.0.5:8080 2' });
  const check = base.health_check || {};
  const type = field('health_check.type', 'Health check', base.health_check ? check.type || 'tcp' : '', {
    kind: 'select', options: [['', 'none'], ['tcp', 'TCP connect'], ['http', 'HTTP'], ['https', 'HTTPS'],
      check.type === 'script' ? ['script', 'script (set through the API)'] : null].filter(Boolean) });
  const passive = field('_passive', 'Passive health (eject on failures in live traffic)', Boolean(base.passive_health),
    { kind: 'checkbox' });
  const form = el('form', { class: 'edit', novalidate: true },
    formAlert(),
    el('div', { class: 'cols' },
      field('name', 'Name', base.name, { required: true }),
      field('send_proxy_protocol', 'Send PROXY protocol', base.send_proxy_protocol,
        { kind: 'select', options: [['', 'no'], ['v1', 'v1 (text)'], ['v2', 'v2 (binary)']] }),
      field('protocol', 'Protocol to upstreams', base.protocol === 'http1' ? '' : base.protocol,
        { kind: 'select', options: [['', 'HTTP/1.1 (default)'], ['h2', 'HTTP/2 over TLS (h2)'], ['h2c', 'HTTP/2 cleartext (h2c, gRPC)']] }),
      field('host_header', 'Host header to upstreams', base.host_header,
        { kind: 'select', options: [['', "the client's (default)"], ['upstream', "the upstream's address"]] })),
    el('h3', {}, 'Upstreams'), rows,
    el('div', { class: 'actions left' },
      el('button', { type: 'button', class: 'small secondary', onclick: () => add({}) }, 'Add upstream')),
    el('details', {}, el('summary', {}, 'Paste several'), bulk,
      el('button', { type: 'button', class: 'small secondary', onclick: () => {
        const lines = bulk.querySelector('textarea').value.split('\n').map((l) => l.trim()).filter(Boolean);
        rows.replaceChildren();
        lines.map(upstreamObject).forEach(add);
      } }, 'Replace the rows with these lines')),
    el('h3', {}, 'Health'),
    el('div', { class: 'cols' }, type,
      el('div', { class: 'check-only' },
        field('health_check.interval_ms', 'Interval (ms)', check.interval_ms, { kind: 'number' }),
        field('health_check.timeout_ms', 'Timeout (ms)', check.timeout_ms, { kind: 'number' }),
        field('health_check.rise', 'Rise', check.rise, { kind: 'number' }),
        field('health_check.fall', 'Fall', check.fall, { kind: 'number' })),
      el('div', { class: 'http-check' },
        field('health_check.path', 'Path', check.path, { placeholder: '/healthz' }),
        field('health_check.expect_status[0]', 'Expected status from', getPath(check, 'expect_status[0]'), { kind: 'number' }),
        field('health_check.expect_status[1]', 'to', getPath(check, 'expect_status[1]'), { kind: 'number' }))),
    el('div', { class: 'cols' }, passive,
      el('div', { class: 'passive-only' },
        field('passive_health.failures', 'Failures in a row', getPath(base, 'passive_health.failures'), { kind: 'number' }),
        field('passive_health.eject_ms', 'Eject for (ms)', getPath(base, 'passive_health.eject_ms'), { kind: 'number' }),
        field('passive_health.count_5xx', 'Count 5xx answers', getPath(base, 'passive_health.count_5xx'),
          { kind: 'bool', options: [['', 'yes (default)'], ['false', 'no']] })),
      field('slow_start_ms', 'Slow start (ms)', base.slow_start_ms, { kind: 'number' })),
    el('h3', {}, 'Connections to upstreams'),
    el('div', { class: 'cols' },
      field('tls.verify', 'Verify https:// upstreams', getPath(base, 'tls.verify'),
        { kind: 'bool', options: [['', 'yes (default)'], ['false', 'no']] }),
      field('tls.ca_file', 'CA file', getPath(base, 'tls.ca_file'), { placeholder: "the JDK's trust store" }),
      field('tls.sni', 'SNI name', getPath(base, 'tls.sni'), { placeholder: "the client's Host" }),
      field('timeouts.connect_ms', 'Connect timeout (ms)', getPath(base, 'timeouts.connect_ms'), { kind: 'number' }),
      field('timeouts.upstream_response_ms', 'Response timeout (ms)', getPath(base, 'timeouts.upstream_response_ms'),
        { kind: 'number' })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, creating ? 'Create pool' : 'Save pool')));
  const sync = () => {
    const kind = type.querySelector('select').value;
    form.querySelector('.check-only').hidden = kind === '';
    form.querySelector('.http-check').hidden = kind !== 'http' && kind !== 'https';
    form.querySelector('.passive-only').hidden = !passive.querySelector('input').checked;
  };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const row of [...rows.children]) {   // an added row left empty is no upstream
      if (!Object.keys(row.original).length && !row.querySelector('[data-path$=".address"]').value.trim()) row.remove();
    }
    number();
    const lo = form.querySelector('[data-path="health_check.expect_status[0]"]').value.trim();
    const hi = form.querySelector('[data-path="health_check.expect_status[1]"]').value.trim();
    if (!form.querySelector('.http-check').hidden && (lo === '') !== (hi === '')) {
      showProblems(form, { message: 'The expected status is a range: give both ends, or neither.', problems: [
        { field: `health_check.expect_status[${lo === '' ? 0 : 1}]`, error: 'needed with the other end' }] });
      return;
    }
    const body = structuredClone(base);
    const list = [...rows.children];
    body.upstreams = list.map((row) => structuredClone(row.original));
    collect(form, body);
    if (!body.health_check || !body.health_check.type) delete body.health_check;
    const sent = body.health_check;
    if (sent && sent.type !== 'http' && sent.type !== 'https') {   // the API refuses these on other types
      ['path', 'method', 'headers', 'expect_status'].forEach((key) => delete sent[key]);
    }
    if (sent && sent.type !== 'script') delete sent.command;
    if (body.health_check && Array.isArray(body.health_check.expect_status)
      && body.health_check.expect_status.filter((s) => s !== undefined).length === 0) {
      delete body.health_check.expect_status;
    }
    if (passive.querySelector('input').checked && !body.passive_health) body.passive_health = {};
    if (!creating) body.name = base.name;
    try {
      if (creating) await api.call('POST', '/api/pools', body);
      else await api.call('PUT', `/api/pools/${encodeURIComponent(base.name)}`, body);
      handle.close('saved');
      notify(`Pool ${body.name} ${creating ? 'created' : 'saved'}: applied live.`);
      context.refresh();
    } catch (e) {
      showProblems(form, e);
    }
  });
  const handle = openDialog(creating ? 'New pool' : `Edit pool ${base.name}`, form, { wide: true });
  if (!creating) form.querySelector('[data-path="name"]').readOnly = true;
  return handle;
}
