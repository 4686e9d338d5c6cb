// The inputs of an "acme" object ({email, accept_terms, challenge, provider?, directory_url?}),
// shared by the ACME view's request form and the listeners view's host route editor: the CA's
// terms explained next to their checkbox, the provider asked for only with dns01, the directory
// chosen as Let's Encrypt, its staging, or a URL. Bound to paths under "acme." (a route row's
// become "host_routes[0].acme.email" when numbered), so the API's problems land next to them.
import { field, getPath } from './forms.js';
import { el } from './views.js';

export const CHALLENGES = [['http01', 'HTTP-01: the CA fetches a token from this host on port 80'],
  ['dns01', 'DNS-01: a TXT record through a DNS provider (needed for *. names)']];

const DIRECTORIES = [['letsencrypt', 'Let\'s Encrypt'], ['letsencrypt-staging', 'Let\'s Encrypt staging (test certificates)'],
  ['custom', 'another CA (directory URL)']];

const TERMS = 'A CA issues certificates only to an account that agrees to its subscriber agreement; Balor makes that'
  + ' account with this email and this agreement, for you. Let\'s Encrypt\'s is at letsencrypt.org/repository.';

/** The directory choice of a directory_url: a keyword, or 'custom' for a URL. */
function directoryChoice(url) {
  if (!url || url === 'letsencrypt') return 'letsencrypt';
  return url === 'letsencrypt-staging' ? 'letsencrypt-staging' : 'custom';
}

/**
 * The inputs for acme (an existing object, or {} for a new one) with providers (their names) to
 * choose from; returns the nodes, and sync() to call on every change (shows the provider only for
 * dns01, the URL only for another CA).
 */
export function acmeFields(acme, providers) {
  const challenge = field('acme.challenge', 'Challenge', acme.challenge || 'http01', { kind: 'select', options: CHALLENGES });
  const provider = field('acme.provider', 'DNS provider', acme.provider, { kind: 'select',
    options: [['', providers.length ? 'choose a provider' : 'none yet: add one in ACME'], ...providers.map((p) => [p, p])] });
  const directory = field('acme._directory', 'Certificate authority', directoryChoice(acme.directory_url),
    { kind: 'select', options: DIRECTORIES });
  const url = field('acme.directory_url', 'Directory URL', directoryChoice(acme.directory_url) === 'custom'
    ? acme.directory_url : '', { kind: 'url', placeholder: 'the CA\'s https directory URL' });
  const nodes = [
    field('acme.email', 'Account email', acme.email, { kind: 'email', placeholder: 'ops@example.com',
      help: 'the CA writes here about expiring certificates and its terms' }),
    challenge, provider, directory, url,
    field('acme.accept_terms', 'I accept the CA\'s terms of service', acme.accept_terms === true,
      { kind: 'checkbox', help: TERMS }),
  ];
  const sync = () => {
    provider.hidden = challenge.querySelector('select').value !== 'dns01';
    url.hidden = directory.querySelector('select').value !== 'custom';
  };
  sync();
  return { nodes, sync };
}

/**
 * Finishes the acme object that collect() read from the inputs under scope: the directory from
 * its choice (Let's Encrypt is the default, so left out).
 */
export function finishAcme(scope, acme) {
  const choice = scope.querySelector('select[data-path$="acme._directory"]').value;
  if (choice === 'letsencrypt') delete acme.directory_url;
  else if (choice === 'letsencrypt-staging') acme.directory_url = 'letsencrypt-staging';
  return acme;
}

/** What an ACME job's status says besides its state: its message and last problem. */
export function jobSummary(job) {
  const status = job.status || {};
  const problem = status.problem ? [status.problem.type, status.problem.detail].filter(Boolean).join(': ') : '';
  return [status.message, problem && `(${problem})`].filter(Boolean).join(' ');
}

/** A job's state as a badge: valid, pending or failed. */
export function stateBadge(job) {
  const state = getPath(job, 'status.state') || 'pending';
  return el('span', { class: `badge acme-${state}` }, state);
}

/**
 * What the console refuses itself before sending, as the API's problems: a terms checkbox left
 * unchecked under scope (the API leaves that to the CA, which would refuse the account later).
 */
export function termsRefusal(scope) {
  const problems = [...scope.querySelectorAll('input[data-path$="acme.accept_terms"]')]
    .filter((input) => !input.checked && !input.closest('[hidden]'))
    .map((input) => ({ field: input.dataset.path, error: 'the CA issues certificates only once its terms are accepted' }));
  return problems.length ? { message: 'Accept the CA\'s terms of service first', problems } : null;
}
