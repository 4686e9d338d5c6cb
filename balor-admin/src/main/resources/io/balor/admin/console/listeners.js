// The listeners view: the list with live upstream health, and for operators the form that
// creates and edits a listener, drain, enable and delete. For admins, a host route can also get
// its certificate through ACME (its "acme" object), and shows how its ACME job stands.
import { acmeFields, finishAcme, jobSummary, stateBadge, termsRefusal } from './acme-fields.js';
import * as api from './api.js';
import { act, collect, field, formAlert, getPath, notify, openDialog, renumber, showProblems } from './forms.js';
import { el, healthBadge, searchable } from './views.js';

/** What a read adds to a listener; never sent back. */
const LIVE = ['id', 'bound', 'upstream_health', 'used_by'];
/** The keys only http listeners have: switching to tcp drops them, as the API would refuse them. */
const HTTP_ONLY = ['sticky', 'max_body_bytes', 'trust_forwarded', 'http_timeouts', 'websocket_max_frame_bytes', 'http2'];

export async function listenersPage(context) {
  const [listeners, pools, certificates] = await Promise.all([api.call('GET', '/api/listeners'),
    api.call('GET', '/api/pools'), api.call('GET', '/api/certificates')]);
  const options = { pools: pools.map((p) => p.name), certificates, ...await acmeOptions(listeners, context), ...context };
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${listeners.length} listener${listeners.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Protocol', 'Address', 'Pool and routes', 'Upstreams',
      context.canWrite ? 'Actions' : null].filter(Boolean).map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, listeners.map((l) => el('tr', { 'data-name': l.name },
      el('td', {}, l.name, l.enabled === false ? el('span', { class: 'badge disabled' }, 'drained') : null),
      el('td', {}, l.protocol || 'tcp',
        l.tls ? el('span', { class: 'badge' }, l.tls.mode === 'passthrough' ? 'TLS passthrough' : 'TLS') : null,
        l.sticky ? el('span', { class: 'badge' }, l.sticky.strategy === 'ip_hash' ? 'IP hash' : 'sticky') : null),
      el('td', {}, l.listen, l.bound && l.bound !== l.listen ? el('div', { class: 'route' }, `bound ${l.bound}`) : null),
      el('td', {}, l.pool || (l.upstreams ? 'own upstreams' : ''),
        (l.host_routes || []).map((r) => el('div', { class: 'route' },
          `${r.host}${r.path_prefix || ''} → ${r.pool}${r.tls ? ' (TLS)' : ''}`))),
      el('td', {}, (l.upstream_health || []).map(healthBadge)),
      context.canWrite ? el('td', { class: 'row-actions' }, rowActions(l, options)) : null))));
  return el('section', { 'aria-labelledby': 'listeners-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'listeners-title' }, 'Listeners'),
      context.canWrite ? el('button', { type: 'button', id: 'new-listener', onclick: () => editListener(null, options) },
        'New listener') : null),
    searchable('Search listeners', table), table);
}

function rowActions(listener, options) {
  const name = listener.name;
  const path = `/api/listeners/${encodeURIComponent(name)}`;
  return [
    el('button', { type: 'button', class: 'small', 'aria-label': `Edit listener ${name}`,
      onclick: () => editListener(listener, options) }, 'Edit'),
    listener.enabled === false
      ? el('button', { type: 'button', class: 'small', 'aria-label': `Enable listener ${name}`,
        onclick: () => act(options, { method: 'POST', path: `${path}/enable`,
          done: `Listener ${name} enabled: it accepts connections again.` }) }, 'Enable')
      : el('button', { type: 'button', class: 'small secondary', 'aria-label': `Drain listener ${name}`,
        onclick: () => act(options, { ask: { title: `Drain ${name}?`, message: `Listener ${name} stops accepting; requests in`
          + ' flight finish. Its settings are kept, and Enable brings it back.', action: 'Drain' },
        method: 'POST', path: `${path}/drain`, done: `Listener ${name} drained: it no longer accepts connections.` }) },
      'Drain'),
    el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete listener ${name}`,
      onclick: () => act(options, { ask: { title: `Delete ${name}?`, message: `Listener ${name} stops and its settings are`
        + ' removed.', action: 'Delete' }, method: 'DELETE', path, done: `Listener ${name} deleted.` }) }, 'Delete'),
  ];
}

/**
 * For admins, what a route's ACME section needs: the DNS providers' names and, when a route has
 * acme, the jobs by host (none when ACME is not running here: the API answers 503, asked only
 * then so that a Balor without ACME is not asked every redraw). Others get no ACME section: the
 * ACME API is admins' only, and a route's acme is kept as it is.
 */
async function acmeOptions(listeners, context) {
  if (context.role !== 'admin') return { acme: null };
  const routed = listeners.some((l) => (l.host_routes || []).some((r) => r.acme));
  const [providers, jobs] = await Promise.all([api.call('GET', '/api/acme/providers').catch(() => []),
    routed ? api.call('GET', '/api/acme/jobs').catch(() => []) : []]);
  return { acme: { providers: providers.map((p) => p.name), jobs: new Map(jobs.map((j) => [j.host, j])) } };
}

/** A host route's ACME section: a checkbox that shows the acme inputs, and its job's state when it has one. */
function routeAcme(route, acme) {
  const inputs = acmeFields(route.acme || {}, acme.providers);
  const fields = el('div', { class: 'acme-fields' }, inputs.nodes);
  const wanted = field('_acme', 'Get a certificate (ACME)', Boolean(route.acme), { kind: 'checkbox' });
  const job = route.host && acme.jobs.get(route.host.toLowerCase());
  const sync = () => {
    fields.hidden = !wanted.querySelector('input').checked;
    inputs.sync();
  };
  wanted.addEventListener('change', sync);
  fields.addEventListener('change', inputs.sync);
  sync();
  return [wanted, job ? el('p', { class: 'route acme-job' }, 'ACME: ', stateBadge(job), jobSummary(job)) : null, fields];
}

function strip(listener) {
  const copy = structuredClone(listener || {});
  for (const key of LIVE) delete copy[key];
  return copy;
}

/** Whether two certificate paths name the same file (one may be relative to the state file's directory). */
function sameFile(a, b) {
  return Boolean(a && b) && (a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`));
}

/** The certificate choice of a tls section: '' none, 'passthrough', 'cert:NAME' or 'keep' (a file set elsewhere). */
function tlsChoice(tls, certificates) {
  if (!tls) return '';
  if (tls.mode === 'passthrough') return 'passthrough';
  const match = certificates.find((c) => sameFile(c.cert_file, tls.cert_file));
  return match ? `cert:${match.name}` : 'keep';
}

function tlsOptions(tls, certificates, { passthrough = false } = {}) {
  return [['', 'none'], passthrough ? ['passthrough', 'pass TLS through (no certificate)'] : null,
    ...certificates.map((c) => [`cert:${c.name}`, `terminate with ${c.name}${c.subject ? ` (${c.subject})` : ''}`]),
    tls && tlsChoice(tls, certificates) === 'keep' ? ['keep', tls.cert_file ? `keep ${tls.cert_file}` : 'keep as it is'] : null]
    .filter(Boolean);
}

/** The tls section a choice makes, keeping the other settings of the one it replaces. */
function tlsFor(choice, before, certificates) {
  if (choice === '') return undefined;
  if (choice === 'passthrough') return { mode: 'passthrough' };
  if (choice === 'keep') return before;
  const certificate = certificates.find((c) => `cert:${c.name}` === choice);
  const tls = { ...(before && before.mode !== 'passthrough' ? before : {}) };
  delete tls.mode;
  tls.cert_file = certificate.cert_file;
  if (certificate.key_file) tls.key_file = certificate.key_file;
  else delete tls.key_file;
  return tls;
}

function poolChoices(pools, none) {
  return [['', none], ...pools.map((p) => [p, p])];
}

function routeRow(route, options, remove) {
  const row = el('fieldset', { class: 'route-row' }, el('legend', {}, 'Host route'),
    field('host', 'Host', route.host, { placeholder: 'api.example.com or *.example.com' }),
    el('div', { class: 'http-only' }, field('path_prefix', 'Path prefix', route.path_prefix, { placeholder: '/v1/' })),
    field('pool', 'Pool', route.pool, { kind: 'select', options: poolChoices(options.pools, 'choose a pool') }),
    el('div', { class: 'http-only' },
      field('rate_limit.rps', 'Rate limit (requests/s)', getPath(route, 'rate_limit.rps'), { kind: 'number' }),
      field('rate_limit.burst', 'Burst', getPath(route, 'rate_limit.burst'), { kind: 'number' })),
    field('_tls', 'Certificate for this host', tlsChoice(route.tls, options.certificates),
      { kind: 'select', options: tlsOptions(route.tls, options.certificates) }),
    options.acme ? routeAcme(route, options.acme) : null,
    el('button', { type: 'button', class: 'small secondary', onclick: () => remove(row) }, 'Remove route'));
  row.original = structuredClone(route);
  return row;
}

/** Opens the form for listener (null: a new one); saves with POST or PUT and shows what the API said. */
export function editListener(listener, options) {
  const base = strip(listener);
  const creating = !listener;
  const routes = el('div', { class: 'routes' });
  const numberRoutes = () => renumber(routes, 'host_routes');
  const removeRoute = (row) => { row.remove(); numberRoutes(); };
  const addRoute = (route) => { routes.append(routeRow(route, options, removeRoute)); numberRoutes(); };
  (base.host_routes || []).forEach(addRoute);
  const protocol = field('protocol', 'Protocol', base.protocol || 'tcp',
    { kind: 'select', options: [['tcp', 'TCP (L4)'], ['http', 'HTTP (L7)']] });
  const tls = field('_tls', 'TLS', tlsChoice(base.tls, options.certificates),
    { kind: 'select', options: tlsOptions(base.tls, options.certificates, { passthrough: true }) });
  const sticky = field('sticky.strategy', 'Sticky sessions', getPath(base, 'sticky.strategy'),
    { kind: 'select', options: [['', 'off'], ['cookie', 'cookie'], ['ip_hash', 'client IP hash']] });
  const cookie = field('sticky.cookie_name', 'Cookie name', getPath(base, 'sticky.cookie_name'), { placeholder: 'BALOR_STICKY' });
  const form = el('form', { class: 'edit', novalidate: true },
    formAlert(),
    el('div', { class: 'cols' },
      field('name', 'Name', base.name, { required: true, help: creating ? '' : 'a name stays as it is here' }),
      field('listen', 'Listen address', base.listen, { required: true, placeholder: '127.0.0.1:8080' }),
      protocol,
      field('pool', 'Default pool', base.pool, { kind: 'select', options: poolChoices(options.pools, 'none (routes only)') }),
      tls,
      field('enabled', 'Enabled (bound and accepting)', base.enabled !== false, { kind: 'checkbox' })),
    el('h3', {}, 'Host routes'), routes,
    el('button', { type: 'button', class: 'small secondary', onclick: () => addRoute({}) }, 'Add host route'),
    el('h3', {}, 'Limits and timeouts'),
    el('div', { class: 'cols' },
      field('rate_limit.rps', 'Rate limit (per second)', getPath(base, 'rate_limit.rps'), { kind: 'number' }),
      field('rate_limit.burst', 'Burst', getPath(base, 'rate_limit.burst'), { kind: 'number' }),
      field('rate_limit.per_client', 'Per client IP', getPath(base, 'rate_limit.per_client'), { kind: 'checkbox', omitFalse: true }),
      field('timeouts.connect_ms', 'Connect timeout (ms)', getPath(base, 'timeouts.connect_ms'), { kind: 'number' }),
      field('timeouts.idle_ms', 'Idle timeout (ms)', getPath(base, 'timeouts.idle_ms'), { kind: 'number' }),
      field('timeouts.drain_ms', 'Drain timeout (ms)', getPath(base, 'timeouts.drain_ms'), { kind: 'number' })),
    el('div', { class: 'http-only' },
      el('h3', {}, 'HTTP'),
      el('div', { class: 'cols' }, sticky, cookie,
        field('max_body_bytes', 'Max body (bytes)', base.max_body_bytes, { kind: 'number' }),
        field('websocket_max_frame_bytes', 'WebSocket max frame (bytes)', base.websocket_max_frame_bytes, { kind: 'number' }),
        field('http2', 'HTTP/2', base.http2, { kind: 'bool',
          options: [['', 'Default (on with TLS)'], ['true', 'On (h2c too)'], ['false', 'Off']] }),
        field('http_timeouts.head_ms', 'Request head timeout (ms)', getPath(base, 'http_timeouts.head_ms'), { kind: 'number' }),
        field('http_timeouts.upstream_response_ms', 'Upstream response timeout (ms)',
          getPath(base, 'http_timeouts.upstream_response_ms'), { kind: 'number' }),
        field('trust_forwarded', 'Trust X-Forwarded-* from clients', base.trust_forwarded,
          { kind: 'checkbox', omitFalse: true }))),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, creating ? 'Create listener' : 'Save listener')));
  const sync = () => {
    const http = protocol.querySelector('select').value === 'http';
    form.querySelectorAll('.http-only').forEach((node) => { node.hidden = !http; });
    const passthrough = tls.querySelector('option[value="passthrough"]');
    passthrough.hidden = http;
    passthrough.disabled = http;
    if (http && tls.querySelector('select').value === 'passthrough') tls.querySelector('select').value = '';
    cookie.hidden = sticky.querySelector('select').value !== 'cookie';
  };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const row of [...routes.children]) {   // an added row left empty is no route
      if (!Object.keys(row.original).length && !row.querySelector('[data-path$=".host"]').value.trim()) row.remove();
    }
    numberRoutes();
    const body = structuredClone(base);
    const rows = [...routes.children];
    body.host_routes = rows.map((row) => structuredClone(row.original));
    collect(form, body);
    if (body.protocol !== 'http') HTTP_ONLY.forEach((key) => delete body[key]);
    if (body.sticky && !body.sticky.strategy) delete body.sticky;
    body.tls = tlsFor(tls.querySelector('select').value, base.tls, options.certificates);
    if (body.tls === undefined) delete body.tls;
    if (!creating) body.name = base.name;
    const list = body.host_routes.map((route, i) => {
      route.tls = tlsFor(rows[i].querySelector('select[data-path$="._tls"]').value, rows[i].original.tls,
        options.certificates);
      if (route.tls === undefined) delete route.tls;
      const acme = rows[i].querySelector('input[data-path$="._acme"]');
      if (acme && !acme.checked) delete route.acme;
      else if (acme) finishAcme(rows[i], route.acme || (route.acme = {}));
      return route;
    });
    if (list.length) body.host_routes = list;
    else delete body.host_routes;
    const refused = termsRefusal(routes);
    if (refused) {
      showProblems(form, refused);
      return;
    }
    try {
      if (creating) await api.call('POST', '/api/listeners', body);
      else await api.call('PUT', `/api/listeners/${encodeURIComponent(base.name)}`, body);
      handle.close('saved');
      notify(`Listener ${body.name} ${creating ? 'created' : 'saved'}: applied live.`);
      options.refresh();
    } catch (e) {
      showProblems(form, e);
    }
  });
  const handle = openDialog(creating ? 'New listener' : `Edit listener ${base.name}`, form, { wide: true });
  if (!creating) form.querySelector('[data-path="name"]').readOnly = true;
  return handle;
}
