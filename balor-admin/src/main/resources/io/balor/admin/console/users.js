// The users view (admins only): create, change role, set password, delete. The API refuses to
// remove or demote the last admin; the refusal is shown as it says it.
import * as api from './api.js';
import { act, field, formAlert, notify, openDialog, showProblems } from './forms.js';
import { el } from './views.js';

const ROLES = [['viewer', 'viewer (reads)'], ['operator', 'operator (changes listeners and pools)'],
  ['admin', 'admin (everything)']];

export async function usersPage(context) {
  const users = await api.call('GET', '/api/users');
  context.stopRefresh();   // every read of the users is audited: no redraw every 5 s
  const table = el('table', { class: 'grid' },
    el('caption', {}, `${users.length} user${users.length === 1 ? '' : 's'}`),
    el('thead', {}, el('tr', {}, ['User', 'Role', 'Created', 'Actions'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, users.map((u) => el('tr', { 'data-name': u.username },
      el('td', {}, u.username, u.password_login === false
        ? el('span', { class: 'badge disabled', title: 'its password hash is of a kind this version cannot check' },
          'cannot log in') : null),
      el('td', {}, u.role),
      el('td', {}, u.created_at ? u.created_at.slice(0, 10) : ''),
      el('td', { class: 'row-actions' },
        el('button', { type: 'button', class: 'small', 'aria-label': `Edit user ${u.username}`,
          onclick: () => editUser(u, context) }, 'Edit'),
        el('button', { type: 'button', class: 'small danger', 'aria-label': `Delete user ${u.username}`,
          onclick: () => deleteUser(u.username, context) }, 'Delete'))))));
  return el('section', { 'aria-labelledby': 'users-title' },
    el('div', { class: 'title-row' }, el('h1', { id: 'users-title' }, 'Users'),
      el('button', { type: 'button', id: 'new-user', onclick: () => editUser(null, context) }, 'New user')),
    table);
}

function deleteUser(name, context) {
  return act(context, { ask: { title: `Delete ${name}?`, message: `User ${name} is deleted and signed out everywhere.`,
    action: 'Delete' }, method: 'DELETE', path: `/api/users/${encodeURIComponent(name)}`, done: `User ${name} deleted.` });
}

function editUser(user, context) {
  const creating = !user;
  const form = el('form', { class: 'edit', novalidate: true }, formAlert(),
    field('username', 'User name', user ? user.username : '', { required: true }),
    field('role', 'Role', user ? user.role : 'viewer', { kind: 'select', options: ROLES }),
    field('password', creating ? 'Password' : 'New password (leave empty to keep it)', '', { kind: 'password' }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'secondary', onclick: () => handle.close() }, 'Cancel'),
      el('button', { type: 'submit' }, creating ? 'Create user' : 'Save user')));
  const input = (path) => form.querySelector(`[data-path="${path}"]`);
  input('password').autocomplete = 'new-password';
  if (!creating) input('username').readOnly = true;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { role: input('role').value };
    if (input('password').value) body.password = input('password').value;
    try {
      if (creating) {
        body.username = input('username').value.trim();
        await api.call('POST', '/api/users', body);
      } else {
        if (body.role === user.role) delete body.role;
        if (Object.keys(body).length === 0) {
          handle.close();
          notify(`User ${user.username}: nothing changed.`);
          return;
        }
        await api.call('PUT', `/api/users/${encodeURIComponent(user.username)}`, body);
      }
      handle.close('saved');
      notify(`User ${creating ? body.username : user.username} ${creating ? 'created' : 'saved'}.`);
      context.refresh();
    } catch (e) {
      input('password').value = '';
      showProblems(form, e);
    }
  });
  const handle = openDialog(creating ? 'New user' : `Edit user ${user.username}`, form);
}
