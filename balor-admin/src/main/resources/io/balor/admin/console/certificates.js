// The certificates view: uploaded PEM bundles with subject, names, issuer and expiry (amber under
// 30 days, red under 7), where each is used; admins upload, download the key and delete.
import * as api from './api.js';
import { act, field, formAlert, notify, openDialog, refusal, showProblems } from './forms.js';
import { el, searchable } from './views.js';

const DAY_MS = 24 * 3600 * 1000;

/** How soon a certificate expires: 'expired', 'critical' (under 7 days), 'warning' (under 30) or ''. */
export function expiryClass(notAfter, now = Date.now()) {
  if (!notAfter) return '';
  const left = Date.parse(notAfter) - now;
  return left <= 0 ? 'expired' : left < 7 * DAY_MS ? 'critical' : left < 30 * DAY_MS ? 'warning' : '';
}

function expiry(notAfter) {
  if (!notAfter) return '–';
  const days = Math.floor((Date.parse(notAfter) - Date.now()) / DAY_MS);
  const when = notAfter.slice(0, 10);
  return days < 0 ? `${when} (expired)` : `${when} (${days} day${days === 1 ? '' : 's'})`;
}

export async function certificatesPage(context) {
  const certificates = await api.call('GET', '/api/certificates');
  const admin = context.role === 'admin';
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${certificates.length} certificate${certificates.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['Name', 'Subject and names', 'Issuer', 'Expires', 'Used by', 'Actions']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, certificates.map((c) => el('tr', { 'data-name': c.name },
      el('td', {}, c.name, c.problem ? el('div', { class: 'error' }, c.problem) : null),
      el('td', {}, c.subject || '', el('div', { class: 'route' }, (c.sans || []).join(', '))),
      el('td', {}, c.issuer || ''),
      el('td', { class: `expiry ${expiryClass(c.not_after)}` }, expiry(c.not_after)),
      el('td', {}, (c.used_by || []).join(', ')),
      el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'small secondary', 'aria-label': `Download chain of ${c.name}`,
          onclick: () => downloadCertificate(c.name, false) }, 'Chain'),
        admin ? [
          el('button', { type: 'button', class: 'small secondary', 'aria-label': `Download key of ${c.name}`,
            onclick: () => downloadCertificate(c.name, true) }, 'Key'),
          el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete certificate ${c.name}`,
            disabled: (c.used_by || []).length > 0,
            title: (c.used_by || []).length ? `in use by ${c.used_by.join(', ')}` : false,
            onclick: () => deleteCertificate(c.name, context) }, 'Delete')] : null)))));
  return el('section', { 'aria-labelledby': 'certificates-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'certificates-title' }, 'Certificates'),
      admin ? el('button', { type: 'button', id: 'upload-certificate', onclick: () => upload(context) },
        'Upload certificate') : null),
    searchable('Search certificates', table), table);
}

async function downloadCertificate(name, withKey) {
  try {
    const answer = await api.call('GET', `/api/certificates/${encodeURIComponent(name)}${withKey ? '?include_key=true' : ''}`);
    if (withKey) api.saveFile(`${name}.key`, answer.key, 'application/x-pem-file');
    else api.saveFile(`${name}.pem`, answer.chain, 'application/x-pem-file');
  } catch (e) {
    notify(refusal(e), 'error');
  }
}

function deleteCertificate(name, context) {
  return act(context, { ask: { title: `Delete ${name}?`, message: `Certificate ${name} and its key are deleted from the disk.`,
    action: 'Delete' }, method: 'DELETE', path: `/api/certificates/${encodeURIComponent(name)}`,
  done: `Certificate ${name} deleted.` });
}

/** Reads a chosen file into a textarea, so a PEM can be picked rather than pasted. */
function fileInto(textarea, label) {
  const input = el('input', { type: 'file', accept: '.pem,.crt,.key,.cer', 'aria-label': label });
  input.addEventListener('change', async () => {
    if (input.files[0]) textarea.value = await input.files[0].text();
  });
  return input;
}

function upload(context) {
  const pem = field('pem', 'Certificate chain (PEM; the key may be in it too)', '',
    { kind: 'textarea', placeholder: '-----BEGIN CERTIFICATE-----' });
  const key = field('key', 'Private key (PEM), if not in the chain', '',
    { kind: 'textarea', placeholder: '-----BEGIN PRIVATE KEY-----' });
  const form = el('form', { class: 'edit', novalidate: true }, formAlert(),
    field('name', 'Name', '', { required: true, placeholder: 'www-example' }),
    pem, fileInto(pem.querySelector('textarea'), 'Certificate file'),
    key, fileInto(key.querySelector('textarea'), 'Key file'),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, 'Upload')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: form.querySelector('[data-path="name"]').value.trim(), pem: pem.querySelector('textarea').value };
    const keyText = key.querySelector('textarea').value;
    if (keyText.trim()) body.key = keyText;
    try {
      const answer = await api.call('POST', '/api/certificates', body);
      handle.close('saved');
      notify(`Certificate ${answer.name} uploaded: ${answer.subject}, expires ${expiry(answer.not_after)}.`);
      context.refresh();
    } catch (e) {
      showProblems(form, e);
    }
  });
  const handle = openDialog('Upload a certificate', form, { wide: true });
}
