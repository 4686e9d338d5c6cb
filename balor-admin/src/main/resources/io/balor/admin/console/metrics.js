// Live metrics, computed in the page from Balor's own Prometheus text (GET /metrics, same
// origin): every 5 s a sample of each listener's, route's, pool's and upstream's request counts
// by status class and latency histogram is kept for 15 minutes. Rates and p50/p95/p99 are over
// the last minute (the newest sample against the oldest within 60 s), as Prometheus's rate() and
// histogram_quantile() would compute them; charts are SVG drawn here, no library.
import * as api from './api.js';
import { el } from './views.js';

const KEEP_MS = 15 * 60 * 1000;
const WINDOW_MS = 60 * 1000;
const SVG = 'http://www.w3.org/2000/svg';
/**
 * Each sample: {t, entities: Map(id → {kind, name, classes: {2xx: n}, buckets: [[le, cumulative]]}),
 * steps: Map(id → growth since the sample before)}.
 */
const samples = [];

/** What each counter and histogram family says, and how its labels name the entity. */
const FAMILIES = {
  balor_http_requests_total: (l) => ['listener', l.listener, `${String(l.status)[0]}xx`],
  balor_route_requests_total: (l) => ['route', `${l.listener} ${l.route}`, l.code],
  balor_pool_requests_total: (l) => ['pool', l.pool, l.code],
  balor_upstream_requests_total: (l) => ['upstream', `${l.pool} ${l.upstream}`, l.code],
  balor_http_request_duration_seconds_bucket: (l) => ['listener', l.listener],
  balor_route_request_duration_seconds_bucket: (l) => ['route', `${l.listener} ${l.route}`],
  balor_pool_request_duration_seconds_bucket: (l) => ['pool', l.pool],
  balor_upstream_request_duration_seconds_bucket: (l) => ['upstream', `${l.pool} ${l.upstream}`],
};

/** The entities of one scrape, from the Prometheus text format. */
export function parse(text) {
  const entities = new Map();
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\}\s+(\S+)/.exec(line);
    if (!match || !FAMILIES[match[1]]) continue;
    const labels = {};
    for (const [, key, value] of match[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    const [kind, name, statusClass] = FAMILIES[match[1]](labels);
    const id = `${kind}:${name}`;
    if (!entities.has(id)) entities.set(id, { kind, name, classes: {}, buckets: [] });
    const entity = entities.get(id);
    const value = Number(match[3]);
    if (statusClass) entity.classes[statusClass] = (entity.classes[statusClass] || 0) + value;
    else entity.buckets.push([labels.le === '+Inf' ? Infinity : Number(labels.le), value]);
  }
  return entities;
}

/** Takes one sample now; drops those older than 15 minutes. */
export async function sample() {
  const text = await api.text('/metrics');
  const now = Date.now();
  samples.push({ t: now, entities: parse(text), steps: new Map() });
  while (samples.length && samples[0].t < now - KEEP_MS) samples.shift();
}

export function forgetSamples() {
  samples.length = 0;
}

function total(classes) {
  return Object.values(classes).reduce((a, b) => a + b, 0);
}

/**
 * How much a counter grew from before to now. A counter that went down was reset (a listener
 * drained and enabled again starts from zero): then all of now is new, as Prometheus's rate() takes it.
 */
function growth(now, before) {
  return now >= before ? now - before : now;
}

/** An entity's growth between two scrapes: requests by status class, and histogram buckets. */
function delta(a, b) {
  const classes = {};
  for (const [c, n] of Object.entries(b.classes)) classes[c] = growth(n, (a && a.classes[c]) || 0);
  const before = new Map(a ? a.buckets : []);
  return { classes, buckets: b.buckets.map(([le, n]) => [le, growth(n, before.get(le) || 0)]) };
}

/** Entity id's growth from sample i - 1 to i; 'all' adds up each listener's own. Kept with the sample. */
function step(id, i) {
  const kept = samples[i].steps;
  if (!kept.has(id)) kept.set(id, stepOf(id, i));
  return kept.get(id);
}

function stepOf(id, i) {
  const a = samples[i - 1].entities;
  const b = samples[i].entities;
  if (id !== 'all') return b.has(id) ? delta(a.get(id), b.get(id)) : null;
  const sum = { classes: {}, buckets: [] };
  for (const [key, entity] of b) {
    if (entity.kind === 'listener') add(sum, delta(a.get(key), entity));
  }
  return sum;
}

/** Adds growth d into sum (classes by name, buckets by upper bound). */
function add(sum, d) {
  for (const [c, n] of Object.entries(d.classes)) sum.classes[c] = (sum.classes[c] || 0) + n;
  const at = new Map(sum.buckets);
  for (const [le, n] of d.buckets) at.set(le, (at.get(le) || 0) + n);
  sum.buckets = [...at];
  return sum;
}

/** Entity id's growth from sample `from` to `to`, step by step so a reset on the way loses nothing; null if absent. */
function deltaOf(id, from, to) {
  let sum = null;
  for (let i = from + 1; i <= to; i++) {
    const d = step(id, i);
    if (d) sum = add(sum || { classes: {}, buckets: [] }, d);
  }
  return sum;
}

/** Interpolated quantile q of a histogram's bucket counts (cumulative, by upper bound), in seconds. */
export function quantile(q, buckets) {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted.length ? sorted[sorted.length - 1][1] : 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      return lower + (le - lower) * ((rank - below) / Math.max(cumulative - below, 1e-9));
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

/** What entity id did between sample index `from` and `to`: requests/s, classes, quantiles. */
function between(id, from, to) {
  const grown = from === to ? null : deltaOf(id, from, to);
  if (!grown) return null;
  const seconds = (samples[to].t - samples[from].t) / 1000;
  const { classes, buckets } = grown;
  const requests = total(classes);
  return {
    rate: requests / seconds, requests, classes,
    errors: requests ? ((classes['5xx'] || 0) / requests) : 0,
    p50: quantile(0.5, buckets), p95: quantile(0.95, buckets), p99: quantile(0.99, buckets),
  };
}

/** The index of the oldest sample within the minute before sample `to`. */
function windowStart(to) {
  let from = to;
  while (from > 0 && samples[to].t - samples[from - 1].t <= WINDOW_MS + 1000) from--;
  return from;
}

/** Over the last minute for entity id ('all', 'listener:web', ...), or null before two samples. */
export function lastMinute(id = 'all') {
  const to = samples.length - 1;
  return to < 1 ? null : between(id, windowStart(to), to);
}

/** Sample by sample over 15 minutes: [t, requests/s, p99 seconds over the minute before t]. */
function series(id) {
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const step = between(id, i - 1, i);
    const minute = between(id, windowStart(i), i);
    if (step) points.push([samples[i].t, step.rate, minute ? minute.p99 : null]);
  }
  return points;
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  return seconds < 1 ? `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms` : `${seconds.toFixed(2)} s`;
}

export function formatRate(rate) {
  return rate === null || rate === undefined ? '–' : `${rate < 10 ? rate.toFixed(2) : rate.toFixed(0)}/s`;
}

function svg(tag, attributes, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** A small line chart of values over the last 15 minutes. */
function chart(label, points, format) {
  const width = 240;
  const height = 48;
  const now = Date.now();
  const values = points.map((p) => p[1]).filter((v) => v !== null);
  const max = Math.max(...values, 1e-9);
  const line = points.filter((p) => p[1] !== null).map(([t, v]) =>
    `${(width * (1 - (now - t) / KEEP_MS)).toFixed(1)},${(height - 2 - (height - 4) * (v / max)).toFixed(1)}`).join(' ');
  const title = `${label}: ${values.length ? `last ${format(values[values.length - 1])}, max ${format(max)}` : 'no data yet'}`;
  return el('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'none' },
      svg('title', {}, title),
      svg('polyline', { points: line, fill: 'none', stroke: 'currentColor', 'stroke-width': '1.5',
        'vector-effect': 'non-scaling-stroke' })),
    el('figcaption', {}, title));
}

function card(id, title) {
  const minute = lastMinute(id);
  const points = series(id);
  const classes = minute ? Object.entries(minute.classes).filter(([, n]) => n > 0).sort()
    .map(([c, n]) => `${c} ${n}`).join(', ') : '';
  return el('article', { class: 'metric card', 'data-entity': id },
    el('h3', {}, title),
    el('dl', { class: 'numbers' },
      el('dt', {}, 'Requests'), el('dd', {}, minute ? formatRate(minute.rate) : '–'),
      el('dt', {}, 'Status'), el('dd', {}, classes || '–'),
      el('dt', {}, 'p50 / p95 / p99'),
      el('dd', {}, minute ? [minute.p50, minute.p95, minute.p99].map(formatSeconds).join(' / ') : '–')),
    chart('Requests per second', points.map(([t, rate]) => [t, rate]), formatRate),
    chart('p99 latency', points.map(([t, , p99]) => [t, p99]), formatSeconds));
}

const KINDS = [['listener', 'Listeners'], ['route', 'Routes'], ['pool', 'Pools'], ['upstream', 'Upstreams']];

export function metricsView() {
  const newest = samples.length ? samples[samples.length - 1].entities : new Map();
  const sections = KINDS.map(([kind, heading]) => {
    const ids = [...newest.keys()].filter((id) => id.startsWith(`${kind}:`)).sort();
    return ids.length ? el('section', { class: 'metric-group' }, el('h2', {}, heading),
      el('div', { class: 'metric-cards' }, ids.map((id) => card(id, id.slice(kind.length + 1))))) : null;
  });
  return el('section', { 'aria-labelledby': 'metrics-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'metrics-title' }, 'Metrics'),
      el('a', { href: '/metrics', target: '_blank', rel: 'noopener' }, 'Prometheus text (/metrics)')),
    el('p', { class: 'muted' }, `HTTP traffic over the last minute; charts over the last 15 minutes this page has been open `
      + `(${samples.length} sample${samples.length === 1 ? '' : 's'}, one every 5 s).`),
    card('all', 'All HTTP listeners'),
    sections.some(Boolean) ? sections : el('p', { class: 'muted' }, 'No HTTP traffic yet.'));
}
