// The overview: listeners and pools at a glance, connections, and the last minute's HTTP traffic
// (request rate, error rate, p50/p95/p99) from the metrics the page samples.
import * as api from './api.js';
import { formatRate, formatSeconds, lastMinute } from './metrics.js';
import { el } from './views.js';

function tile(label, value, id) {
  return el('div', { class: 'tile', id }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, value));
}

export async function overviewPage() {
  const [stats, version] = await Promise.all([api.call('GET', '/api/stats'), api.call('GET', '/api/version')]);
  const minute = lastMinute();
  const listeners = el('table', { class: 'grid' },
    el('caption', {}, 'Listeners'),
    el('thead', {}, el('tr', {}, ['Name', 'Address', 'Active', 'Accepted', 'Requests', 'Connect failures',
      'Rate limited'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, (stats.per_listener || []).map((l) => el('tr', { 'data-name': l.name },
      el('td', {}, l.name), el('td', {}, l.address), el('td', {}, l.active), el('td', {}, l.accepted),
      el('td', {}, l.requests), el('td', {}, l.connect_failures), el('td', {}, l.rate_limited)))));
  return el('section', { 'aria-labelledby': 'overview-title' },
    el('h1', { id: 'overview-title' }, 'Overview'),
    el('div', { class: 'tiles' },
      tile('Listeners', `${stats.listeners_enabled} of ${stats.listeners} enabled, ${stats.runtimes} running`),
      tile('Pools', stats.pools),
      tile('Connections', `${stats.connections_active} open, ${stats.connections_total} in all`),
      tile('Requests', stats.requests_total, 'tile-requests'),
      tile('Request rate (1 min)', minute ? formatRate(minute.rate) : '–', 'tile-rate'),
      tile('5xx share (1 min)', minute && minute.requests ? `${(minute.errors * 100).toFixed(1)} %` : '–', 'tile-errors'),
      tile('p50 / p95 / p99 (1 min)', minute ? [minute.p50, minute.p95, minute.p99].map(formatSeconds).join(' / ') : '–',
        'tile-latency'),
      tile('Rate limited', stats.rate_limited_total),
      tile('Uptime', `${stats.uptime_seconds} s`)),
    listeners,
    el('p', { class: 'muted' }, `API ${version.api_version}, console ${version.ui_version}, build ${version.build}`));
}
