// The Balor console: a login view, then the views named in the navigation, each at its own path
// (the admin server answers every path outside /api with this page). Role-aware: the API is the
// guard; the console shows only what the signed-in role may use. Views redraw every 5 s (a form
// being edited is left alone), and metrics are sampled in the background while signed in.
import { acmePage } from './acme.js';
import * as api from './api.js';
import { certificatesPage } from './certificates.js';
import { changesPage } from './changes.js';
import { listenersPage } from './listeners.js';
import { logsPage } from './logs.js';
import { forgetSamples, metricsView, sample } from './metrics.js';
import { overviewPage } from './overview.js';
import { poolsPage } from './pools.js';
import { settingsPage } from './settings.js';
import { usersPage } from './users.js';
import { el, loginView } from './views.js';

const VIEWS = [
  { path: '/', name: 'Overview', draw: overviewPage },
  { path: '/listeners', name: 'Listeners', draw: listenersPage },
  { path: '/pools', name: 'Pools', draw: poolsPage },
  { path: '/certificates', name: 'Certificates', draw: certificatesPage },
  { path: '/acme', name: 'ACME', role: 'admin', draw: acmePage },
  { path: '/users', name: 'Users', role: 'admin', draw: usersPage },
  { path: '/metrics-view', name: 'Metrics', draw: async () => metricsView() },
  { path: '/logs', name: 'Logs', draw: logsPage },
  { path: '/settings', name: 'Settings', role: 'admin', draw: settingsPage },
  { path: '/changes', name: 'Changes', draw: changesPage },
];
const REFRESH_MS = 5000;
const SAMPLE_MS = 5000;
/** Without a key press or click for this long, the console stops calling the API: the session may expire. */
const IDLE_MS = 25 * 60 * 1000;
let timer = null;
/** Counts redraws: one that finishes after a newer one started is dropped. */
let drawing = 0;
let sampler = null;
let lastActivity = Date.now();
/** The view on screen, or null. */
let shown = null;
/** The redraw interval the view on screen asked for (null: none). */
let every = REFRESH_MS;

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** Marks when the first view (sign-in or another) is on screen and usable: the console's start-up time. */
function interactive() {
  if (performance.getEntriesByName('balor-interactive').length === 0) performance.mark('balor-interactive');
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
    el('button', { type: 'button', class: 'link', id: 'sign-out', onclick: signOut }, 'Sign out'));
}

/** What a view's draw gets: who is signed in, and how to redraw. */
function context() {
  const role = api.session().role;
  return {
    role,
    canWrite: role === 'operator' || role === 'admin',
    refresh: () => route(),
    refreshEvery: (ms) => { every = ms; },
    stopRefresh: () => { every = null; },
  };
}

/** What has the focus in a view (an input by its path, id or label), to give it back after a redraw. */
function focusKey() {
  const active = document.activeElement;
  if (!active || !main.contains(active) || active === main) return null;
  return active.dataset.path ? `[data-path="${active.dataset.path}"]` : active.id ? `#${CSS.escape(active.id)}`
    : active.getAttribute('aria-label') ? `[aria-label="${CSS.escape(active.getAttribute('aria-label'))}"]` : null;
}

async function route(background = false) {
  clearTimeout(timer);
  if (!api.session()) {
    showLogin('');
    return;
  }
  const view = VIEWS.find((v) => v.path === location.pathname && allowed(v, api.session().role)) || VIEWS[0];
  if (background && (main.querySelector('form[data-dirty]') || document.querySelector('dialog[open]'))) {
    schedule();   // a form being filled in, or a dialog open: not now
    return;
  }
  if (shown !== view || nav.hidden) {   // redrawn only when it changes: a refresh keeps a focused link focused
    drawNav(view);
    every = REFRESH_MS;
  }
  try {
    const search = document.getElementById('search');
    const kept = search && shown === view ? search.value : null;
    const focus = shown === view ? focusKey() : null;
    const turn = ++drawing;
    const node = await view.draw(context());
    if (turn !== drawing) return;   // a newer redraw (a click) has the screen
    main.replaceChildren(node);
    shown = view;
    interactive();
    const fresh = document.getElementById('search');
    if (kept !== null && fresh) {
      fresh.value = kept;
      fresh.dispatchEvent(new Event('input'));
    }
    const again = focus && main.querySelector(focus);
    if (again) again.focus();
    schedule();
  } catch (e) {
    if (e.status !== 401 && location.pathname === view.path) {
      main.replaceChildren(el('p', { class: 'error', role: 'alert' }, e.message));
      shown = null;
      schedule();
    }
  }
}

function schedule() {
  clearTimeout(timer);
  if (every !== null && Date.now() - lastActivity < IDLE_MS) timer = setTimeout(() => route(true), every);
}

async function sampleMetrics() {
  clearTimeout(sampler);
  if (!api.session()) return;
  await sample().catch(() => {});
  if (Date.now() - lastActivity < IDLE_MS) sampler = setTimeout(sampleMetrics, SAMPLE_MS);
}

function go(path) {
  history.pushState(null, '', path);
  shown = null;
  route();
  main.focus();
}

function showLogin(reason) {
  clearTimeout(timer);
  clearTimeout(sampler);
  forgetSamples();
  shown = null;
  nav.hidden = true;
  nav.replaceChildren();
  who.replaceChildren();
  main.replaceChildren(loginView(reason, async (username, password) => {
    await api.login(username, password);
    sampleMetrics();
    route();
  }));
  interactive();
}

async function signOut() {
  await api.logout().catch(() => {});
  showLogin('Signed out.');
}

function active() {
  const idle = Date.now() - lastActivity >= IDLE_MS;
  lastActivity = Date.now();
  if (idle && api.session()) {   // back after a pause: the API says whether the session still holds
    sampleMetrics();
    route();
  }
}

main.addEventListener('input', (event) => {
  const form = event.target.closest('form.edit');   // a settings or import form; not a filter or a picker
  if (form) form.dataset.dirty = 'true';
});
document.addEventListener('keydown', active, true);
document.addEventListener('pointerdown', active, true);
api.whenUnauthorized((error) => showLogin(`Signed out: ${error.message}.`));
window.addEventListener('popstate', () => { shown = null; route(); });
if (api.session()) sampleMetrics();
route();
