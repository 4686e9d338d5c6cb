// The Balor console: a login view, then the views named in the navigation, each at its own path
// (the admin server answers every path outside /api with this page). Role-aware: the API is the
// guard, the console shows what the signed-in role may use.
import * as api from './api.js';
import { el, listenersView, loginView, overviewView, plannedView, poolsView } from './views.js';

const VIEWS = [
  { path: '/', name: 'Overview', draw: drawOverview },
  { path: '/listeners', name: 'Listeners', draw: async () => listenersView(await api.call('GET', '/api/listeners')) },
  { path: '/pools', name: 'Pools', draw: async () => poolsView(await api.call('GET', '/api/pools')) },
  { path: '/certificates', name: 'Certificates' },
  { path: '/users', name: 'Users', role: 'admin' },
  { path: '/metrics-view', name: 'Metrics' },
  { path: '/logs', name: 'Logs' },
  { path: '/settings', name: 'Settings', role: 'admin' },
  { path: '/changes', name: 'Changes' },
];
const REFRESH_MS = 5000;
let timer = null;
/** The view on screen, or null. */
let shown = null;

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

function show(node) {
  main.replaceChildren(node);
  if (node.tagName !== 'SECTION') shown = null;
}

function allowed(view, role) {
  return !view.role || view.role === role || role === 'admin';
}

function drawNav(current) {
  const session = api.session();
  nav.replaceChildren(...VIEWS.filter((v) => allowed(v, session.role)).map((v) =>
    el('a', { href: v.path, 'aria-current': v === current ? 'page' : false,
      onclick: (event) => { event.preventDefault(); go(v.path); } }, v.name)));
  nav.hidden = false;
  who.replaceChildren(`${session.username} (${session.role}) `,
    el('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));
}

async function drawOverview() {
  const [stats, version] = await Promise.all([api.call('GET', '/api/stats'), api.call('GET', '/api/version')]);
  return overviewView(stats, version);
}

async function route() {
  clearTimeout(timer);
  if (!api.session()) {
    showLogin('');
    return;
  }
  const view = VIEWS.find((v) => v.path === location.pathname) || VIEWS[0];
  drawNav(view);
  if (!view.draw) {
    show(plannedView(view.name));
    return;
  }
  try {
    const node = await view.draw();
    // A refresh of the same view keeps what was typed in its search box, and the focus.
    const search = document.getElementById('search');
    const kept = search && shown === view ? { value: search.value, focused: document.activeElement === search } : null;
    show(node);
    shown = view;
    const fresh = document.getElementById('search');
    if (kept && fresh) {
      fresh.value = kept.value;
      fresh.dispatchEvent(new Event('input'));
      if (kept.focused) fresh.focus();
    }
    timer = setTimeout(route, REFRESH_MS);
  } catch (e) {
    if (e.status !== 401) {
      show(el('p', { class: 'error', role: 'alert' }, e.message));
      timer = setTimeout(route, REFRESH_MS);
    }
  }
}

function go(path) {
  history.pushState(null, '', path);
  route();
}

function showLogin(reason) {
  clearTimeout(timer);
  nav.hidden = true;
  who.replaceChildren();
  show(loginView(reason, async (username, password) => {
    await api.login(username, password);
    route();
  }));
}

async function signOut() {
  await api.logout().catch(() => {});
  showLogin('Signed out.');
}

api.whenUnauthorized((error) => showLogin(`Signed out: ${error.message}.`));
window.addEventListener('popstate', route);
route();
