// The logs view: Balor's events with a level filter, the access log's recent lines with status
// and path filters, a live tail (the view polls every 2 s while it is on), the access log's
// sampling (admins change it), and the log files, downloaded with the session's token.
import * as api from './api.js';
import { field, notify, refusal } from './forms.js';
import { el } from './views.js';

/** What the filters hold; kept across the view's refreshes. */
const filters = { level: 'info', status: '', path: '', tail: false };

function statusMatches(status, filter) {
  if (!filter) return true;
  const text = String(status);
  return /^[1-5]xx$/i.test(filter) ? text[0] === filter[0] : text === filter;
}

function accessRows(lines) {
  return lines.filter((line) => typeof line === 'object' && line !== null)
    .filter((line) => statusMatches(line.status, filters.status))
    .filter((line) => !filters.path || String(line.path || '').includes(filters.path))
    .reverse()
    .map((line) => el('tr', {},
      el('td', {}, String(line.time || '').replace('T', ' ').replace('Z', '')),
      el('td', { class: `status s${String(line.status)[0]}` }, line.status),
      el('td', {}, line.method), el('td', { class: 'path' }, line.path),
      el('td', {}, line.listener), el('td', {}, line.upstream || ''),
      el('td', {}, line.duration_ms), el('td', {}, line.error || '')));
}

function eventRows(events) {
  return [...events].reverse().map((event) => el('tr', {},
    el('td', {}, event.time.slice(0, 23).replace('T', ' ')),
    el('td', { class: `level ${event.level}` }, event.level),
    el('td', {}, event.source), el('td', {}, event.message)));
}

function table(caption, headings, rows) {
  return el('table', { class: 'grid' }, el('caption', {}, caption),
    el('thead', {}, el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows));
}

function filterBar(context) {
  const level = field('level', 'Event level', filters.level, { kind: 'select',
    options: [['debug', 'debug'], ['info', 'info'], ['warning', 'warning'], ['error', 'error']] });
  const status = field('status', 'Status', filters.status, { placeholder: '404 or 5xx' });
  const path = field('path', 'Path contains', filters.path, { placeholder: '/api/' });
  const tail = field('tail', 'Live tail', filters.tail, { kind: 'checkbox' });
  const bar = el('div', { class: 'cols filters' }, level, status, path, tail);
  const take = () => {
    filters.level = level.querySelector('select').value;
    filters.status = status.querySelector('input').value.trim();
    filters.path = path.querySelector('input').value.trim();
    filters.tail = tail.querySelector('input').checked;
  };
  bar.addEventListener('input', take);   // kept through a redraw while typing
  bar.addEventListener('change', () => { take(); context.refresh(); });
  return bar;
}

function sampling(logging, context) {
  const percent = logging.trace_sample / 100;
  const shown = `${percent % 1 === 0 ? percent : percent.toFixed(2)} % of exchanges logged`
    + (logging.dropped ? `; ${logging.dropped} lines dropped (the writer fell behind)` : '');
  if (context.role !== 'admin') return el('p', { class: 'muted', id: 'sampling' }, `Access log sampling: ${shown}.`);
  const input = el('input', { type: 'number', id: 'sampling-percent', min: 1, max: 100, step: 1,
    value: Math.max(1, Math.round(percent)) });
  const form = el('form', { class: 'inline' },
    el('label', { for: 'sampling-percent' }, 'Access log sampling (%)'), input,
    el('button', { type: 'submit', class: 'small' }, 'Apply'), el('span', { class: 'muted' }, shown));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = Number(input.value);
    if (!Number.isInteger(value) || value < 1 || value > 100) {
      notify('Sampling is a whole percentage from 1 to 100.', 'error');
      return;
    }
    try {
      await api.call('PUT', '/api/logging', { trace_sample: value * 100 });
      notify(`The access log now keeps ${value} % of exchanges.`);
      context.refresh();
    } catch (e) {
      notify(refusal(e), 'error');
    }
  });
  return form;
}

function files(list) {
  if (!list.length) return el('p', { class: 'muted' }, 'No log files (the daemon writes them under BALOR_LOG_DIR).');
  return table('Log files', ['File', 'Size', 'Modified', ''], list.map((file) => el('tr', {},
    el('td', {}, file.name), el('td', {}, `${Math.ceil(file.size / 1024)} KiB`),
    el('td', {}, file.modified.slice(0, 19).replace('T', ' ')),
    el('td', {}, el('button', { type: 'button', class: 'small secondary', 'aria-label': `Download ${file.name}`,
      onclick: () => api.download(`/api/logs/files/${encodeURIComponent(file.name)}`, file.name)
        .catch((e) => notify(e.message, 'error')) }, 'Download')))));
}

export async function logsPage(context) {
  const [logs, logging, fileList] = await Promise.all([
    api.call('GET', `/api/logs?level=${filters.level}&limit=200`),
    api.call('GET', '/api/logging'), api.call('GET', '/api/logs/files')]);
  context.refreshEvery(filters.tail ? 2000 : 5000);
  return el('section', { 'aria-labelledby': 'logs-title' },
    el('h1', { id: 'logs-title' }, 'Logs'),
    filterBar(context),
    table('Events, newest first', ['Time (UTC)', 'Level', 'Source', 'Message'], eventRows(logs.events)),
    table('Access log, newest first', ['Time (UTC)', 'Status', 'Method', 'Path', 'Listener', 'Upstream', 'ms', 'Error'],
      accessRows(logs.access)),
    sampling(logging, context),
    files(fileList));
}
