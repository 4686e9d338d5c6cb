// The console's views, drawn with the DOM API only (no innerHTML with data: nothing the API
// returns is ever parsed as markup).

/** An element: el('p', {class: 'x'}, 'text', child, ...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function loginView(reason, onSubmit) {
  const error = el('p', { class: 'error', role: 'alert', id: 'login-error' }, reason || '');
  const username = el('input', { id: 'username', name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { id: 'password', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'card login', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'Sign in to Balor'),
    el('label', { for: 'username' }, 'User name'), username,
    el('label', { for: 'password' }, 'Password'), password,
    el('button', { type: 'submit' }, 'Sign in'),
    error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await onSubmit(username.value, password.value);
    } catch (e) {
      error.textContent = e.message + (e.hint ? ` (${e.hint})` : '');
      password.value = '';
      password.focus();
    }
  });
  queueMicrotask(() => username.focus());
  return form;
}

function tile(label, value) {
  return el('div', { class: 'tile' }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
}

export function overviewView(stats, version) {
  const listeners = el('table', { class: 'grid' },
    el('caption', {}, 'Listeners'),
    el('thead', {}, el('tr', {}, ['Name', 'Address', 'Active', 'Accepted', 'Requests', 'Connect failures',
      'Rate limited'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, (stats.per_listener || []).map((l) => el('tr', {},
      el('td', {}, l.name), el('td', {}, l.address), el('td', {}, l.active), el('td', {}, l.accepted),
      el('td', {}, l.requests), el('td', {}, l.connect_failures), el('td', {}, l.rate_limited)))));
  return el('section', { 'aria-labelledby': 'overview-title' },
    el('h1', { id: 'overview-title' }, 'Overview'),
    el('div', { class: 'tiles' },
      tile('Listeners', `${stats.listeners_enabled} of ${stats.listeners} enabled, ${stats.runtimes} running`),
      tile('Pools', stats.pools),
      tile('Connections', `${stats.connections_active} open, ${stats.connections_total} in all`),
      tile('Requests', stats.requests_total),
      tile('Rate limited', stats.rate_limited_total),
      tile('Uptime', `${stats.uptime_seconds} s`)),
    listeners,
    el('p', { class: 'muted' }, `API ${version.api_version}, console ${version.ui_version}, build ${version.build}`));
}

export function plannedView(name) {
  return el('section', {}, el('h1', {}, name),
    el('p', { class: 'muted' }, 'This view is planned. The admin API has it already: see /api.'));
}

/** One upstream's live state as a badge: up, down or ejected, with why. */
function healthBadge(health) {
  const state = !health.enabled ? 'disabled' : health.ejected ? 'ejected' : health.up ? 'up' : 'down';
  const why = health.last_error ? ` (${health.last_error})` : '';
  return el('span', { class: `badge ${state}`, title: `${health.upstream}: ${state}${why}` },
    `${health.upstream} ${state}${why}`);
}

function upstreamAddress(upstream) {
  return typeof upstream === 'string' ? upstream : upstream.address;
}

/** A filter box over a table's rows: keeps the rows whose text contains what is typed. */
function searchable(label, table) {
  const input = el('input', { type: 'search', id: 'search', 'aria-label': label, placeholder: label });
  input.addEventListener('input', () => {
    const needle = input.value.toLowerCase();
    for (const row of table.tBodies[0].rows) {
      row.hidden = needle !== '' && !row.textContent.toLowerCase().includes(needle);
    }
  });
  return input;
}

export function listenersView(listeners) {
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${listeners.length} listener${listeners.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Protocol', 'Address', 'Pool and routes', 'Upstreams']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, listeners.map((l) => el('tr', { 'data-name': l.name },
      el('td', {}, l.name, l.enabled === false ? el('span', { class: 'badge disabled' }, 'drained') : null),
      el('td', {}, l.protocol,
        l.tls ? el('span', { class: 'badge' }, l.tls.mode === 'passthrough' ? 'TLS passthrough' : 'TLS') : null,
        l.sticky ? el('span', { class: 'badge' }, l.sticky.strategy === 'ip_hash' ? 'IP hash' : 'sticky') : null),
      el('td', {}, l.listen),
      el('td', {}, l.pool || (l.upstreams ? 'own upstreams' : ''),
        (l.host_routes || []).map((r) => el('div', { class: 'route' },
          `${r.host}${r.path_prefix || ''} → ${r.pool}`))),
      el('td', {}, (l.upstream_health || []).map(healthBadge))))));
  return el('section', { 'aria-labelledby': 'listeners-title' },
    el('h1', { id: 'listeners-title' }, 'Listeners'), searchable('Search listeners', table), table);
}

export function poolsView(pools) {
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${pools.length} pool${pools.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Upstreams', 'Health', 'Used by']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, pools.map((p) => el('tr', { 'data-name': p.name },
      el('td', {}, p.name, p.send_proxy_protocol ? el('span', { class: 'badge' }, `PROXY ${p.send_proxy_protocol}`) : null),
      el('td', {}, (p.upstreams || []).map((u) => el('div', {},
        upstreamAddress(u), typeof u === 'object' && u.weight !== undefined ? ` (weight ${u.weight})` : ''))),
      el('td', {}, (p.upstream_health || []).map(healthBadge)),
      el('td', {}, (p.used_by || []).join(', '))))));
  return el('section', { 'aria-labelledby': 'pools-title' },
    el('h1', { id: 'pools-title' }, 'Pools'), searchable('Search pools', table), table);
}
