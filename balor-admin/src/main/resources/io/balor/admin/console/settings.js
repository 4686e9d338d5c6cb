// The settings view (admins only): where the console listens and its TLS certificate, which
// take effect when Balor restarts, and this browser's session.
import * as api from './api.js';
import { collect, field, formAlert, notify, showProblems } from './forms.js';
import { el } from './views.js';

export async function settingsPage(context) {
  const [console, certificates] = await Promise.all([api.call('GET', '/api/admin/console'),
    api.call('GET', '/api/certificates')]);
  const certificate = field('_certificate', 'Console certificate', '', { kind: 'select',
    options: [['', 'keep the fields below'], ...certificates.map((c) => [c.name, c.subject ? `${c.name} (${c.subject})` : c.name])] });
  const form = el('form', { class: 'edit card', novalidate: true }, formAlert(),
    el('p', { class: 'muted' }, console.note ? `${console.note[0].toUpperCase()}${console.note.slice(1)}.` : ''),
    el('div', { class: 'cols' },
      field('bind', 'Console address', console.bind, { placeholder: '127.0.0.1:9443 (BALOR_HTTP_ADDR, or the default)' }),
      certificate,
      // The original's form, {tls: {cert_path, key_path}}, is read too: a save must not drop its TLS.
      field('cert_file', 'Certificate file', console.cert_file ?? (console.tls && console.tls.cert_path),
        { placeholder: 'none: plain HTTP' }),
      field('key_file', 'Key file', console.key_file ?? (console.tls && console.tls.key_path))),
    el('div', { class: 'actions left' }, el('button', { type: 'submit' }, 'Save console settings')));
  const select = certificate.querySelector('select');
  select.addEventListener('change', () => {
    const chosen = certificates.find((c) => c.name === select.value);
    if (!chosen) return;
    form.querySelector('[data-path="cert_file"]').value = chosen.cert_file;
    form.querySelector('[data-path="key_file"]').value = chosen.key_file || '';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const answer = await api.call('PUT', '/api/admin/console', collect(form, {}));
      notify(`Saved: the console moves to ${answer.bind}${answer.cert_file ? ' with TLS' : ''} when Balor restarts.`
        + (answer.warning ? ` Warning: ${answer.warning}.` : ''), answer.warning ? 'error' : 'ok');
      context.stopRefresh();
    } catch (e) {
      showProblems(form, e);
    }
  });
  context.stopRefresh();   // a refresh would throw away what is being typed
  const session = api.session();
  return el('section', { 'aria-labelledby': 'settings-title' },
    el('h1', { id: 'settings-title' }, 'Settings'),
    el('h2', {}, 'Admin console'), form,
    el('h2', {}, 'Session'),
    el('p', {}, `Signed in as ${session.username} (${session.role}). Sessions end after 30 minutes without use, `
      + '12 hours after sign-in, at sign-out, and when the password or role changes. This console stops refreshing '
      + 'after 25 minutes without a key press or click, so an unattended browser does not keep a session alive.'));
}
