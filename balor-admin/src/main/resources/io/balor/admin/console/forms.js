// What every console form shares: inputs bound to a path in the object the API takes
// ("rate_limit.rps", "host_routes[0].pool"), the API's field-path problems shown next to the
// input they name, and modal dialogs (the browser's <dialog>: the page behind is inert, so the
// focus stays inside; Escape closes).
import * as api from './api.js';
import { el } from './views.js';

let serial = 0;

/** The value at a dotted path with [index] steps, or undefined. */
export function getPath(object, path) {
  return steps(path).reduce((at, step) => (at === undefined || at === null ? undefined : at[step]), object);
}

/** Sets (or, for undefined, deletes) the value at a path, making objects on the way. */
export function setPath(object, path, value) {
  const list = steps(path);
  let at = object;
  list.slice(0, -1).forEach((step, n) => {
    if (at === undefined) return;
    if (at[step] === undefined || at[step] === null) {
      if (value === undefined) { at = undefined; return; }
      at[step] = typeof list[n + 1] === 'number' ? [] : {};
    }
    at = at[step];
  });
  if (at === undefined) return;
  const last = list[list.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  pruneEmpty(object, list.slice(0, -1));
}

function steps(path) {
  return path.split(/\.|\[|\]/).filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Removes the objects along a path that a deletion left empty ("rate_limit": {} means nothing). */
function pruneEmpty(object, parents) {
  for (let n = parents.length; n > 0; n--) {
    const holder = parents.slice(0, n - 1).reduce((at, s) => at[s], object);
    const value = holder[parents[n - 1]];
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) {
      delete holder[parents[n - 1]];
    }
  }
}

/**
 * One labelled input bound to a path. kind: text, number, checkbox or select (options: [[value,
 * label]]). The input's value is read back by read() as the API wants it: numbers as numbers,
 * an empty input as "left out".
 */
export function field(path, label, value,
  { kind = 'text', options = [], help = '', placeholder = '', required = false, omitFalse = false } = {}) {
  const id = `f${++serial}`;
  let input;
  if (kind === 'select' || kind === 'bool') {
    input = el('select', { id }, options.map(([v, text]) => el('option', { value: v }, text)));
    input.value = value === undefined || value === null ? '' : String(value);
  } else if (kind === 'checkbox') {
    input = el('input', { id, type: 'checkbox' });
    input.checked = Boolean(value);
  } else if (kind === 'textarea') {
    input = el('textarea', { id, rows: 6, placeholder });
    input.value = value === undefined || value === null ? '' : String(value);
  } else {
    input = el('input', { id, type: kind === 'number' ? 'text' : kind, inputmode: kind === 'number' ? 'decimal' : false,
      placeholder, required, autocomplete: 'off' });
    input.value = value === undefined || value === null ? '' : String(value);
  }
  input.dataset.path = path;
  input.dataset.kind = kind;
  if (omitFalse) input.dataset.omitFalse = 'true';   // false is the default: left out
  const error = el('span', { class: 'field-error', id: `${id}-error`, role: 'status' });
  input.setAttribute('aria-describedby', `${id}-error`);
  const wrapper = el('div', { class: kind === 'checkbox' ? 'field check' : 'field' },
    kind === 'checkbox' ? [input, el('label', { for: id }, label)] : [el('label', { for: id }, label), input],
    help ? el('span', { class: 'help' }, help) : null, error);
  wrapper.dataset.field = path;
  return wrapper;
}

/** What an input holds, as the API takes it: undefined when empty (the key is left out). */
export function read(input) {
  const kind = input.dataset.kind;
  if (kind === 'checkbox') return input.checked || (input.dataset.omitFalse ? undefined : false);
  if (kind === 'bool') return input.value === '' ? undefined : input.value === 'true';
  const text = input.value.trim();
  if (text === '') return undefined;
  if (kind === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;   // the API names a bad one
  return text;
}

/** Writes every visible bound input of a form into object (hidden ones are left out of it). */
export function collect(form, object) {
  for (const input of form.querySelectorAll('[data-path]:is(input, select, textarea)')) {
    if (/(^|\.)_[^.]*$/.test(input.dataset.path)) continue;   // "_x": a choice the form maps itself
    if (input.closest('[hidden]')) {
      setPath(object, input.dataset.path, undefined);
    } else {
      setPath(object, input.dataset.path, read(input));
    }
  }
  return object;
}

/**
 * Shows an API refusal in a form: each problem next to the input its field names (or the
 * closest one above it: "host_routes[0].rate_limit.rps" falls back to "host_routes[0]"), the
 * rest, and the error itself, in the form's alert. Focuses the first field named.
 */
export function showProblems(form, error, prefix = '') {
  clearProblems(form);
  const alert = form.querySelector('.form-alert');
  const unplaced = [];
  let first = null;
  const problems = error.problems && error.problems.length ? error.problems
    : error.field ? [{ field: error.field, error: error.message }] : [];
  for (const problem of problems) {
    const path = stripPrefix(problem.field || '', prefix);
    const holder = closestField(form, path);
    if (holder) {
      const slot = holder.querySelector('.field-error');
      slot.textContent = [slot.textContent, problem.error].filter(Boolean).join('; ');
      holder.classList.add('invalid');
      const input = holder.querySelector('input, select, textarea');
      if (input) input.setAttribute('aria-invalid', 'true');
      first = first || input;
    } else {
      unplaced.push(problem.field ? `${problem.field}: ${problem.error}` : problem.error);
    }
  }
  alert.className = 'form-alert error';
  alert.replaceChildren(el('strong', {}, error.message), error.hint ? ` ${error.hint}` : '',
    el('ul', { hidden: unplaced.length === 0 }, unplaced.map((p) => el('li', {}, p))));
  (first || alert).focus();
}

function stripPrefix(path, prefix) {
  return prefix && path.startsWith(prefix) ? path.slice(prefix.length).replace(/^\./, '') : path;
}

function closestField(form, path) {
  for (let at = path; at; at = at.replace(/(\.[^.[\]]*|\[\d+\])$/, '')) {
    const holder = [...form.querySelectorAll('.field[data-field]')]
      .find((f) => (f.dataset.field === at || f.dataset.field === `${at}[0]`) && !f.closest('[hidden]'));
    if (holder) return holder;
    if (!/(\.|\[)/.test(at)) break;
  }
  return null;
}

export function clearProblems(form) {
  for (const holder of form.querySelectorAll('.field.invalid')) {
    holder.classList.remove('invalid');
    holder.querySelector('.field-error').textContent = '';
    const input = holder.querySelector('input, select, textarea');
    if (input) input.removeAttribute('aria-invalid');
  }
  const alert = form.querySelector('.form-alert');
  alert.className = 'form-alert';
  alert.replaceChildren();
}

/** A form's alert line: where its outcome is said (errors and successes). */
export function formAlert() {
  return el('div', { class: 'form-alert', role: 'alert', tabindex: '-1' });
}

/**
 * A modal dialog holding content; resolves when it closes. showModal() makes the rest of the
 * page inert, so Tab stays inside; Escape or Cancel closes it; focus returns where it was.
 */
export function openDialog(title, content, { wide = false } = {}) {
  const back = document.activeElement;
  const id = `d${++serial}`;
  const dialog = el('dialog', { class: wide ? 'wide' : false, 'aria-labelledby': id },
    el('h2', { id }, title), content);
  document.body.append(dialog);
  const closed = new Promise((resolve) => dialog.addEventListener('close', () => {
    dialog.remove();
    if (back && back.isConnected) back.focus();
    resolve(dialog.returnValue);
  }));
  dialog.showModal();
  const first = dialog.querySelector('input, select, textarea, button');
  if (first) first.focus();
  return { dialog, closed, close: (value = '') => dialog.close(value) };
}

/** Asks before something that cannot be undone; resolves to true when confirmed. */
export async function confirmAction(title, message, action) {
  const buttons = el('div', { class: 'actions' },
    el('button', { type: 'button', class: 'secondary', onclick: () => handle.close('cancel') }, 'Cancel'),
    el('button', { type: 'button', class: 'danger', onclick: () => handle.close('ok') }, action));
  const handle = openDialog(title, el('div', {}, el('p', {}, message), buttons));
  buttons.firstChild.focus();   // Enter alone does not delete
  return (await handle.closed) === 'ok';
}

/** A short-lived message at the top of the page: what happened. */
export function notify(message, kind = 'ok') {
  const area = document.getElementById('notice');
  area.className = `notice ${kind}`;
  area.textContent = message;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { area.textContent = ''; area.className = 'notice'; }, 8000);
}

/** What a refusal says, in one line for a notice. */
export function refusal(e) {
  return `${e.message}${e.hint ? ` (${e.hint})` : ''}`;
}

/**
 * Calls the API (a delete, a drain) after asking, when a question is given; says what happened
 * and redraws the view, or says why not.
 */
export async function act(context, { ask, method, path, done }) {
  if (ask && !await confirmAction(ask.title, ask.message, ask.action)) return;
  try {
    await api.call(method, path);
    notify(done);
    context.refresh();
  } catch (e) {
    notify(refusal(e), 'error');
  }
}

/** Gives each row of container its index in the paths of its fields: host_routes[2].pool. */
export function renumber(container, prefix) {
  const step = new RegExp(`^(${prefix}\\[\\d+\\]\\.)?`);
  [...container.children].forEach((row, i) => {
    for (const node of row.querySelectorAll('[data-path], [data-field]')) {
      const key = node.dataset.path !== undefined ? 'path' : 'field';
      node.dataset[key] = node.dataset[key].replace(step, `${prefix}[${i}].`);
    }
  });
}
