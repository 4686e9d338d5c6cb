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
