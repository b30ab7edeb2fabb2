// Aura Flow frontend: vanilla JS, same-origin calls to /health and /api/*.
(function () {
  'use strict';
  var token = sessionStorage.getItem('aura.token');
  var $ = function (id) { return document.getElementById(id); };

  function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (!res.ok) {
            var err = new Error(data.message || data.error || ('HTTP ' + res.status));
            err.status = res.status;
            throw err;
          }
          return data;
        });
      });
  }

  function showHealth() {
    fetch('/health', { headers: { Accept: 'application/json' } })
      .then(function (res) { return res.json().then(function (d) { return { ok: res.ok, d: d }; }); })
      .then(function (r) {
        var el = $('health');
        el.textContent = 'Backend ' + (r.d.version || '?') + ': ' + r.d.status
          + (r.ok ? '' : ' (db ' + r.d.db + ', redis ' + r.d.redis + ')');
        el.className = r.ok ? 'ok' : 'error';
        el.setAttribute('data-version', r.d.version || '');
      })
      .catch(function () { $('health').textContent = 'Backend unreachable'; $('health').className = 'error'; });
  }

  function setView(signedIn) {
    $('login-view').hidden = signedIn;
    $('app-view').hidden = !signedIn;
  }

  function loadItems() {
    return api('GET', '/api/items').then(function (data) {
      var list = $('items');
      list.textContent = '';
      data.items.forEach(function (item) {
        var li = document.createElement('li');
        li.textContent = item.title;
        list.appendChild(li);
      });
    });
  }

  function enter() {
    return api('GET', '/api/me').then(function (me) {
      $('who').textContent = me.email;
      setView(true);
      return loadItems();
    }).catch(function (err) {
      if (err.status === 401 || err.status === 403) logout();
    });
  }

  function logout() {
    token = null;
    sessionStorage.removeItem('aura.token');
    setView(false);
  }

  $('login-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    api('POST', '/api/auth/login', { email: $('email').value, password: $('password').value })
      .then(function (data) {
        token = data.token;
        sessionStorage.setItem('aura.token', token);
        $('password').value = '';
        return enter();
      })
      .catch(function (err) {
        var text = { 401: 'Wrong e-mail or password.', 403: 'This account is disabled.', 429: 'Too many attempts; try again in a minute.' };
        $('login-error').textContent = text[err.status] || err.message;
      });
  });

  $('item-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    api('POST', '/api/items', { title: $('item-title').value }).then(function () {
      $('item-title').value = '';
      return loadItems();
    });
  });

  $('insight').addEventListener('click', function () {
    api('POST', '/api/insights', { topic: 'my work' })
      .then(function (data) { $('insight-text').textContent = data.insight; })
      .catch(function (err) { $('insight-text').textContent = 'Insight unavailable: ' + err.message; });
  });

  $('logout').addEventListener('click', logout);

  showHealth();
  if (token) enter(); else setView(false);
}());
