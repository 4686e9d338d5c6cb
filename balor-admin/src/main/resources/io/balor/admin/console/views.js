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

/** One upstream's live state as a badge: up, down or ejected, with why. */
export function healthBadge(health) {
  const state = !health.enabled ? 'disabled' : health.ejected ? 'ejected' : health.up ? 'up' : 'down';
  const why = health.last_error ? ` (${health.last_error})` : '';
  return el('span', { class: `badge ${state}`, title: `${health.upstream}: ${state}${why}` },
    `${health.upstream} ${state}${why}`);
}

/** A filter box over a table's rows: keeps the rows whose text contains what is typed. */
export function searchable(label, table) {
  const input = el('input', { type: 'search', id: 'search', 'aria-label': label, placeholder: label });
  input.addEventListener('input', () => {
    const needle = input.value.toLowerCase();
    for (const row of table.tBodies[0].rows) {
      row.hidden = needle !== '' && !row.textContent.toLowerCase().includes(needle);
    }
  });
  return input;
}
