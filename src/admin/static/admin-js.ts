// The admin page's only script, served as /static/admin.js: a progressive enhancement that refreshes
// the live sessions table from /api/sessions every 3 s. Pages work without it. It builds rows with
// textContent only (never innerHTML), so names and paths stay text.
export const ADMIN_JS = `
(function () {
  'use strict';
  var table = document.querySelector('table[data-live="sessions"]');
  if (!table || !window.fetch) return;
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  var actions = table.getAttribute('data-actions') === 'yes';
  var body = table.querySelector('tbody');
  function bytes(n) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + u[i];
  }
  function duration(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + (s % 60) + ' s';
    var h = Math.floor(m / 60);
    return h < 48 ? h + ' h ' + (m % 60) + ' min' : Math.floor(h / 24) + ' days ' + (h % 24) + ' h';
  }
  function cell(tr, text) { var td = document.createElement('td'); if (text !== undefined) td.textContent = text; tr.appendChild(td); return td; }
  function row(s, now) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-id', s.id);
    var user = cell(tr);
    if (s.user) user.textContent = s.user; else { var em = document.createElement('em'); em.textContent = 'not logged in'; user.appendChild(em); }
    cell(tr, s.remoteAddress);
    cell(tr, duration(now - s.startedAt));
    cell(tr, s.tlsProtocol ? s.tlsProtocol + ' ' + (s.tlsCipher || '') : 'plain');
    cell(tr, s.dataProtection === 'P' ? 'protected' : 'clear');
    var t = cell(tr);
    if (!s.transfer) t.textContent = 'idle';
    else {
      var secs = Math.max(0.001, (now - s.transfer.startedAt) / 1000);
      t.appendChild(document.createTextNode(s.transfer.verb + ' '));
      var code = document.createElement('code'); code.textContent = s.transfer.path; t.appendChild(code);
      t.appendChild(document.createElement('br'));
      var p = document.createElement('progress'); p.setAttribute('aria-label', 'transfer in progress'); t.appendChild(p);
      t.appendChild(document.createTextNode(' ' + bytes(s.transfer.bytes) + ' at ' + bytes(Math.round(s.transfer.bytes / secs)) + '/s'));
    }
    if (actions) {
      var a = cell(tr), form = document.createElement('form');
      form.method = 'post'; form.action = '/sessions/' + encodeURIComponent(s.id) + '/disconnect';
      var hidden = document.createElement('input'); hidden.type = 'hidden'; hidden.name = '_csrf'; hidden.value = csrf; form.appendChild(hidden);
      var button = document.createElement('button'); button.type = 'submit'; button.className = 'danger'; button.textContent = 'Disconnect'; form.appendChild(button);
      a.appendChild(form);
    }
    return tr;
  }
  function refresh() {
    if (document.hidden) return;
    fetch('/api/sessions', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) {
        var now = data.now || Date.now();
        var rows = document.createDocumentFragment();
        data.sessions.forEach(function (s) { rows.appendChild(row(s, now)); });
        if (data.sessions.length === 0) {
          var tr = document.createElement('tr'); tr.className = 'empty';
          var td = cell(tr, 'No one is connected.'); td.colSpan = actions ? 7 : 6; rows.appendChild(tr);
        }
        body.replaceChildren(rows);
        table.querySelector('.count').textContent = String(data.sessions.length);
        table.querySelector('.updated').textContent = '(updated ' + new Date().toLocaleTimeString() + ')';
      })
      .catch(function () { table.querySelector('.updated').textContent = '(not updating: reload the page)'; });
  }
  setInterval(refresh, 3000);
})();
`;
