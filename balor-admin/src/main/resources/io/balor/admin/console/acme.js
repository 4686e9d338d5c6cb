// The ACME view (admins only; the API is admins' only too): the certificates Balor asks a CA for,
// one job per host (on the host routes that have it, or standalone), with how each stands and its
// last problem; renew and remove them, ask for new ones; and the DNS providers (acme-providers.js).
//
// While a job is pending the view redraws every 3 s instead of 5 s, for at most FAST_FOR_MS from
// when the first pending job was seen; leaving the view stops it (the app redraws only the view on
// screen). When ACME is not running here (the API answers 503), the view says so and why.
import * as api from './api.js';
import { acmeFields, finishAcme, stateBadge, termsRefusal } from './acme-fields.js';
import { providersSection } from './acme-providers.js';
import { expiryClass } from './certificates.js';
import { act, collect, field, formAlert, notify, openDialog, showProblems } from './forms.js';
import { el, searchable } from './views.js';

const FAST_MS = 3000;
const FAST_FOR_MS = 5 * 60 * 1000;
/** When the view last started redrawing fast, and when it last drew: one ACME view is on screen at most. */
let fastSince = null;
let lastDraw = 0;

/** A time the API gives (ISO 8601) as "2027-03-01 12:00 UTC", or a dash. */
function when(instant) {
  return instant ? `${instant.slice(0, 16).replace('T', ' ')} UTC` : '–';
}

/** The redraw pace: fast while a job is pending (bounded), the app's default otherwise. */
function pace(jobs, context) {
  const now = Date.now();
  if (now - lastDraw > 4 * FAST_MS) fastSince = null;   // a new visit to the view
  lastDraw = now;
  const pending = (jobs || []).some((j) => j.status && j.status.state === 'pending');
  if (!pending) fastSince = null;
  else if (fastSince === null) fastSince = now;
  context.refreshEvery(pending && now - fastSince < FAST_FOR_MS ? FAST_MS : 5000);
}

export async function acmePage(context) {
  const [providers, jobs] = await Promise.all([api.call('GET', '/api/acme/providers'),
    api.call('GET', '/api/acme/jobs').catch((e) => {
      if (e.status === 503) return e;   // ACME is not running here: said below
      throw e;
    })]);
  const stopped = jobs instanceof api.ApiError ? jobs : null;
  const list = stopped ? [] : jobs;
  pace(list, context);
  const usedBy = new Map();
  for (const job of list) {
    if (job.acme && job.acme.provider) usedBy.set(job.acme.provider, [...(usedBy.get(job.acme.provider) || []), job.host]);
  }
  const table = jobsTable(list, context);
  return el('section', { 'aria-labelledby': 'acme-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'acme-title' }, 'ACME'),
      el('button', { type: 'button', id: 'request-certificate', disabled: Boolean(stopped),
        onclick: () => requestCertificate(providers.map((p) => p.name), context) }, 'Request a certificate')),
    el('p', { class: 'muted' }, 'Certificates Balor gets from a CA (Let\'s Encrypt or another ACME CA) and renews before'
      + ' they expire. A host that a host route has gets its certificate on its routes; any other is a standalone'
      + ' certificate, in Certificates.'),
    stopped ? el('p', { class: 'error', role: 'status', id: 'acme-stopped' }, `ACME is not running here: ${stopped.message}.`,
      ' The providers below can still be edited.') : null,
    stopped ? null : [searchable('Search ACME jobs', table), table],
    providersSection(providers, stopped ? null : usedBy, context));
}

function jobsTable(jobs, context) {
  return el('table', { class: 'grid', id: 'acme-jobs' },
    el('caption', {}, `${jobs.length} ACME job${jobs.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Host', 'Kind', 'Routes', 'State', 'Expires', 'Next attempt', 'Attempts',
      'Message and last problem', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, jobs.map((job) => {
      const status = job.status || {};
      return el('tr', { 'data-host': job.host, 'data-state': status.state || 'pending' },
        el('td', {}, job.host, job.label ? el('div', { class: 'route' }, job.label) : null),
        el('td', {}, job.kind),
        el('td', {}, (job.routes || []).map((r) => el('div', { class: 'route' }, r))),
        el('td', { class: 'acme-state' }, stateBadge(job)),
        el('td', { class: `expiry ${expiryClass(status.not_after)}` }, when(status.not_after)),
        el('td', {}, when(status.next_attempt)),
        el('td', {}, String(status.attempts || 0)),
        el('td', { class: 'acme-message' }, status.message || '',
          status.problem ? el('div', { class: 'error acme-problem' }, [status.problem.type, status.problem.detail]
            .filter(Boolean).join(': ')) : null),
        el('td', { class: 'row-actions' },
          el('button', { type: 'button', class: 'small', 'aria-label': `Renew ${job.host}`,
            onclick: () => act(context, { method: 'POST', path: `/api/acme/jobs/${encodeURIComponent(job.id)}/renew`,
              done: `Asked the CA for a new certificate for ${job.host}.` }) }, 'Renew'),
          el('button', { type: 'button', class: 'small danger', 'aria-label': `Remove ${job.host}`,
            onclick: () => act(context, { ask: { title: `Remove the ACME job of ${job.host}?`, message: job.kind === 'route'
              ? `The routes of ${job.host} lose their ACME settings; the certificate they have stays, and is no longer renewed.`
              : `The standalone entry ${job.host} is removed; its certificate stays in Certificates, and is no longer renewed.`,
            action: 'Remove' }, method: 'DELETE', path: `/api/acme/jobs/${encodeURIComponent(job.id)}`,
            done: `ACME job of ${job.host} removed; its certificate stays.` }) }, 'Remove')));
    })));
}

/** The host names typed: separated by commas, spaces or new lines. */
function hostList(text) {
  return text.split(/[\s,]+/).map((h) => h.trim()).filter(Boolean);
}

/** Opens the "Request a certificate" form; posts it to /api/acme/request and shows what the API said. */
function requestCertificate(providers, context) {
  const acme = acmeFields({}, providers);
  const form = el('form', { class: 'edit', novalidate: true }, formAlert(),
    el('div', { class: 'cols' },
      field('hosts', 'Host names', '', { required: true, placeholder: 'www.example.com, example.com',
        help: 'one certificate per name; separate names with commas or spaces' }),
      acme.nodes,
      field('acme.label', 'Label', '', { placeholder: 'shop', help: 'a note shown with the job' })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, 'Request')));
  form.addEventListener('change', acme.sync);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = collect(form, {});
    body.hosts = hostList(form.querySelector('[data-path="hosts"]').value);
    finishAcme(form, body.acme || (body.acme = {}));
    const refused = termsRefusal(form);
    if (refused) {
      showProblems(form, refused);
      return;
    }
    try {
      const answer = await api.call('POST', '/api/acme/request', body);
      handle.close('saved');
      notify(`Asked for ${answer.length} certificate${answer.length === 1 ? '' : 's'}: ${body.hosts.join(', ')}.`
        + ' The jobs below show how it goes.');
      context.refresh();
    } catch (e) {
      showProblems(form, e);
    }
  });
  const handle = openDialog('Request a certificate', form, { wide: true });
  return handle;
}
