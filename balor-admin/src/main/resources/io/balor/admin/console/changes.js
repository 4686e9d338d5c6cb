// The changes view: every applied configuration change with who, when and what (a field-level
// diff), any two versions compared, rollback for operators (itself a change); and the bulk
// export (JSON, YAML) and import of listeners and pools, validated as a whole.
import * as api from './api.js';
import { confirmAction, field, formAlert, notify, openDialog, refusal, showProblems } from './forms.js';
import { el } from './views.js';

function shown(value) {
  return value === null || value === undefined ? '–' : JSON.stringify(value);
}

function diffTable(diff) {
  if (!diff.length) return el('p', { class: 'muted' }, 'No differences.');
  return el('table', { class: 'grid diff' },
    el('thead', {}, el('tr', {}, ['Field', 'Before', 'After'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, diff.map((d) => el('tr', {},
      el('td', { class: 'path' }, d.path),
      el('td', { class: 'before' }, shown(d.before)), el('td', { class: 'after' }, shown(d.after))))));
}

function when(at) {
  return at ? at.slice(0, 19).replace('T', ' ') : '';
}

async function showVersion(id, compare) {
  try {
    const query = compare ? `?compare=${encodeURIComponent(compare)}` : '';
    const version = await api.call('GET', `/api/history/${encodeURIComponent(id)}${query}`);
    const title = compare ? `Version ${compare} → version ${id}` : `Version ${id}`;
    const handle = openDialog(title, el('div', {},
      el('p', {}, `${when(version.at)} UTC by ${version.by}: ${version.summary}`),
      el('h3', {}, compare ? `What changed from version ${compare}` : 'What this change did'),
      diffTable(version.diff || []),
      el('details', {}, el('summary', {}, 'The whole configuration of this version'),
        el('pre', { class: 'config' }, JSON.stringify(version.config, null, 2))),
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => handle.close() }, 'Close'))), { wide: true });
  } catch (e) {
    notify(refusal(e), 'error');
  }
}

async function rollback(entry, context) {
  if (!await confirmAction(`Roll back to version ${entry.id}?`, `Listeners and pools become what they were after `
    + `"${entry.summary}" (${when(entry.at)} UTC), live. The rollback is recorded as a change of its own.`, 'Roll back')) {
    return;
  }
  try {
    const answer = await api.call('POST', `/api/history/${encodeURIComponent(entry.id)}/rollback`);
    notify(answer && answer.id !== undefined && answer.id !== null
      ? `Rolled back to version ${entry.id}: applied live as version ${answer.id}.`
      : `Version ${entry.id} is what runs already: nothing changed.`);
    context.refresh();
  } catch (e) {
    const problems = (e.problems || []).map((p) => `${p.field}: ${p.error}`).join('; ');
    notify(`Not rolled back: ${e.message}${problems ? ` (${problems})` : ''}${e.hint ? `. ${e.hint}` : ''}`, 'error');
  }
}

function compareForm(versions) {
  const options = versions.map((v) => [String(v.id), `${v.id}: ${v.summary}`]);
  const from = field('_from', 'Compare version', options.length > 1 ? options[1][0] : '', { kind: 'select', options });
  const to = field('_to', 'with version', options.length ? options[0][0] : '', { kind: 'select', options });
  const form = el('form', { class: 'cols compare' }, from, to,
    el('div', { class: 'actions left' }, el('button', { type: 'submit', class: 'small' }, 'Compare')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    showVersion(to.querySelector('select').value, from.querySelector('select').value);
  });
  return form;
}

function transfer(context) {
  const text = field('_import', 'Listeners and pools to import (JSON, as exported)', '',
    { kind: 'textarea', placeholder: '{"listeners": [...], "pools": [...]}' });
  const file = el('input', { type: 'file', accept: '.json,application/json', 'aria-label': 'Import file' });
  file.addEventListener('change', async () => {
    if (file.files[0]) text.querySelector('textarea').value = await file.files[0].text();
  });
  const form = el('form', { class: 'edit', novalidate: true }, formAlert(), text, file,
    el('div', { class: 'actions left' },
      el('button', { type: 'button', class: 'secondary', onclick: () => send(true) }, 'Validate'),
      el('button', { type: 'submit' }, 'Import (replaces all listeners and pools)')));
  const send = async (dryRun) => {
    let body;
    try {
      body = JSON.parse(text.querySelector('textarea').value);
    } catch (e) {
      showProblems(form, { message: `Not JSON: ${e.message}`, problems: [] });
      return;
    }
    try {
      const answer = await api.call('POST', `/api/config/import${dryRun ? '?dry_run=true' : ''}`, body);
      if (dryRun) {
        const alert = form.querySelector('.form-alert');
        alert.className = 'form-alert ok';
        alert.textContent = `Valid: ${answer.listeners} listeners and ${answer.pools} pools would be applied.`;
        alert.focus();
      } else {
        notify(`Imported ${answer.listeners} listeners and ${answer.pools} pools: applied live`
          + (answer.version === null ? ' (the same as running: nothing changed).' : ` as version ${answer.version}.`));
        context.refresh();
      }
    } catch (e) {
      // The problems name fields of the body ("listeners[1].listen"): listed, as no input holds them.
      showProblems(form, e);
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); send(false); });
  return form;
}

export async function changesPage(context) {
  const versions = await api.call('GET', '/api/history');
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${versions.length} version${versions.length === 1 ? '' : 's'} kept, newest first`),
    el('thead', {}, el('tr', {}, ['Version', 'When (UTC)', 'Who', 'What', 'Fields', 'Actions']
      .map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, versions.map((v, i) => el('tr', { 'data-version': v.id },
      el('td', {}, v.id), el('td', {}, when(v.at)), el('td', {}, v.by), el('td', {}, v.summary),
      el('td', {}, v.changed),
      el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'small secondary', 'aria-label': `View version ${v.id}`,
          onclick: () => showVersion(v.id) }, 'View'),
        context.canWrite && i > 0 ? el('button', { type: 'button', class: 'small', 'aria-label': `Roll back to version ${v.id}`,
          onclick: () => rollback(v, context) }, 'Roll back') : null)))));
  const exports = el('div', { class: 'actions left' },
    el('button', { type: 'button', class: 'secondary', id: 'export-json',
      onclick: () => api.download('/api/config/export', 'balor-config.json').catch((e) => notify(e.message, 'error')) },
    'Export JSON'),
    el('button', { type: 'button', class: 'secondary', id: 'export-yaml',
      onclick: () => api.download('/api/config/export?format=yaml', 'balor-config.yaml')
        .catch((e) => notify(e.message, 'error')) }, 'Export YAML'));
  return el('section', { 'aria-labelledby': 'changes-title' },
    el('h1', { id: 'changes-title' }, 'Changes'),
    versions.length > 1 ? compareForm(versions) : null,
    table,
    el('h2', {}, 'Export and import'),
    el('p', { class: 'muted' }, 'Listeners and pools only: no users, certificates or keys.'),
    exports,
    context.canWrite ? transfer(context) : null);
}
