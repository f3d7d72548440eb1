// The example store's "My account" page. Plain JavaScript, no build step.
// The AIM login token lives in an HttpOnly cookie the store's server sets;
// this script never sees it, and never sees the store's ApiKey.
'use strict';

const cardAPI = document.body.dataset.cardApi;

// Readable text for the error codes the function adds to ERROR_REDIRECT_URL
// (?error=<code>) when a link or form navigation fails.
const errorText = {
  missing_token: 'Please sign in to manage your cards.',
  session_expired: 'Your session has expired. Please sign in again.',
  invalid_request: 'That request could not be handled.',
  aim_rejected: 'The card service could not do that for your account.',
  unavailable: 'The card service is busy. Please try again in a moment.',
  upstream_error: "The store's system did not answer as expected. Please try again later.",
  upstream_timeout: 'The card service took too long to answer. Please try again.',
};
const unreachable = 'The card service could not be reached. Please try again later.';

const $ = (id) => document.getElementById(id);

function showMessage(text) {
  $('message').textContent = text || '';
  $('message').hidden = !text;
}

function showSignIn(text) {
  $('account').hidden = true;
  $('sign-in').hidden = false;
  showMessage(text);
}

// needsSignIn reports whether a problem answer means "sign in again".
function needsSignIn(status, problem) {
  return status === 401 && ['missing_token', 'session_expired'].includes(problem.code);
}

async function readProblem(res) {
  try {
    return await res.json();
  } catch {
    return { detail: unreachable };
  }
}

// signOutAndShow clears the token cookie, then shows sign-in with text.
async function signOutAndShow(text) {
  await fetch('/logout', { method: 'POST' }).catch(() => {});
  showSignIn(text);
}

// updateButton is variant 3: a form that navigates to the function with
// Mode=UPDATE_CARD&ItemKey=<TokenPk>.
function updateButton(card) {
  const form = document.createElement('form');
  form.method = 'get';
  form.action = cardAPI;
  for (const [name, value] of [['Mode', 'UPDATE_CARD'], ['ItemKey', card.tokenPk]]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  const button = document.createElement('button');
  button.type = 'submit';
  button.className = 'update-card';
  button.dataset.tokenPk = card.tokenPk;
  button.textContent = 'Update this card';
  form.append(button);
  return form;
}

function renderCards(cards) {
  const list = $('cards');
  list.replaceChildren();
  for (const card of cards) {
    const item = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${card.cardType} ending ${card.lastFour}, expires ${card.expiration}${card.primary ? ' (primary)' : ''}`;
    item.append(label, updateButton(card));
    list.append(item);
  }
}

// showAccount lists the saved cards, or sends the customer to sign in.
async function showAccount() {
  let res;
  try {
    res = await fetch('/cards');
  } catch {
    showSignIn(unreachable);
    return;
  }
  const body = await readProblem(res);
  if (!res.ok) {
    if (needsSignIn(res.status, body)) {
      showSignIn(body.code === 'session_expired' ? body.detail : '');
    } else {
      showSignIn(body.detail);
    }
    return;
  }
  renderCards(body.cards);
  $('sign-in').hidden = true;
  $('account').hidden = false;
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  let res;
  try {
    res = await fetch('/login', { method: 'POST', body: new URLSearchParams(new FormData(form)) });
  } catch {
    showMessage(unreachable);
    return;
  }
  const body = await readProblem(res);
  if (!res.ok) {
    showMessage(body.detail);
    return;
  }
  form.reset();
  showMessage('');
  $('greeting').textContent = body.firstName ? `Welcome, ${body.firstName}.` : '';
  await showAccount();
}

// manageWithFetch is variant 2: ask the function for JSON from another
// origin (CORS, cookie included), then go to AccountManagementUrl.
async function manageWithFetch() {
  let res;
  try {
    res = await fetch(cardAPI, { headers: { Accept: 'application/json' }, credentials: 'include' });
  } catch {
    // A network failure, or the browser blocked the answer (CORS).
    showMessage(unreachable);
    return;
  }
  const body = await readProblem(res);
  if (res.ok && body.AccountManagementUrl) {
    window.location.assign(body.AccountManagementUrl);
    return;
  }
  if (needsSignIn(res.status, body)) {
    await signOutAndShow(body.detail);
    return;
  }
  showMessage(body.detail || unreachable);
}

// start reads ?error=<code> left by a failed navigation, then shows the page.
async function start() {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('error');
  if (code) {
    history.replaceState(null, '', window.location.pathname);
  }
  $('sign-in-form').addEventListener('submit', signIn);
  $('manage-fetch').addEventListener('click', manageWithFetch);
  $('sign-out').addEventListener('click', () => signOutAndShow(''));
  if (code === 'missing_token' || code === 'session_expired') {
    await signOutAndShow(errorText[code]);
    return;
  }
  await showAccount();
  if (code) {
    showMessage(errorText[code] || errorText.upstream_error);
  }
}

start();
