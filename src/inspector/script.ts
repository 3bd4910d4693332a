/**
 * The inspector's script (plain browser JavaScript, no framework): polls `journal?after=<id>` every
 * second for new exchanges, filters them in the page, and shows the selected one. Everything shown is
 * set as text (never as HTML), so nothing a request carried can run in the page.
 * Kept free of backticks and dollar-brace, as it lives inside a template string.
 */
export const INSPECTOR_JS = String.raw`'use strict';
(function () {
  var POLL_MS = 1000;
  var entries = [];        // oldest first, as the journal lists them
  var lastId = 0;          // the newest id seen
  var clearedAfter = 0;    // ids up to this one were cleared
  var capacity = 1000;
  var selectedId = null;
  var seen = { provider: new Set(), session: new Set() };
  var list = document.querySelector('#list tbody');
  var detail = document.getElementById('detail');
  var live = document.getElementById('live');
  var filters = {
    provider: document.getElementById('f-provider'),
    session: document.getElementById('f-session'),
    status: document.getElementById('f-status'),
  };

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function statusClass(status) { return 's' + String(status).charAt(0); }
  function clock(iso) { return new Date(iso).toLocaleTimeString(undefined, { hour12: false }) + '.' + iso.slice(20, 23); }
  function totalMs(e) { return e.streamMs !== undefined ? e.streamMs : e.durationMs; }
  function kind(e) {
    if (e.answer.stream) return 'stream · ' + (e.answer.stream.events.length + (e.answer.stream.dropped || 0)) + ' ev';
    if (e.why.refusal) return 'refused';
    return e.why.outcome && e.why.outcome.source !== 'synthesis' ? e.why.outcome.source : 'json';
  }

  function matches(e) {
    var status = filters.status.value;
    return (!filters.provider.value || e.provider === filters.provider.value) &&
      (!filters.session.value || e.session === filters.session.value) &&
      (!status || String(e.status).charAt(0) === status.charAt(0));
  }

  function row(e, isNew) {
    var tr = el('tr', { 'data-id': String(e.id), tabindex: '0', 'aria-selected': String(e.id === selectedId) }, [
      el('td', {}, [clock(e.time)]),
      el('td', {}, [e.method]),
      el('td', { class: 'path', title: e.path }, [e.path]),
      el('td', { class: 'status ' + statusClass(e.status) }, [String(e.status)]),
      el('td', { class: 'num' }, [String(totalMs(e))]),
      el('td', {}, [kind(e)]),
      el('td', {}, [e.session]),
    ]);
    if (isNew) tr.classList.add('new');
    return tr;
  }

  function renderList(newIds) {
    var shown = entries.filter(matches);
    list.replaceChildren.apply(list, shown.slice().reverse().map(function (e) { return row(e, newIds && newIds.has(e.id)); }));
    document.getElementById('empty').hidden = shown.length > 0;
  }

  function addOption(select, set, value) {
    if (value === undefined || set.has(value)) return;
    set.add(value);
    select.append(el('option', { value: value }, [value]));
  }

  function take(data) {
    capacity = data.capacity;
    if (capacity === 0) document.getElementById('empty').textContent = 'This standin keeps no exchanges: it was started with --journal 0.';
    if (data.lastId < lastId) {
      // The store was reset and ids start again: forget everything; the next poll fetches from the start.
      entries = [];
      lastId = clearedAfter = 0;
      renderList();
      return;
    }
    var changed = false;
    if (data.clearedAfter > clearedAfter) {
      clearedAfter = data.clearedAfter;
      entries = entries.filter(function (e) { return e.id > clearedAfter; });
      changed = true;
    }
    var fresh = data.entries.filter(function (e) { return e.id > lastId; });
    fresh.forEach(function (e) {
      entries.push(e);
      addOption(filters.provider, seen.provider, e.provider);
      addOption(filters.session, seen.session, e.session);
      lastId = Math.max(lastId, e.id);
    });
    if (entries.length > capacity) entries.splice(0, entries.length - capacity);
    if (fresh.length > 0 || changed) renderList(new Set(fresh.map(function (e) { return e.id; })));
  }

  function poll() {
    fetch('journal?after=' + lastId, { cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) throw new Error('the journal answered ' + res.status);
        return res.json();
      })
      .then(function (data) {
        take(data);
        live.textContent = 'live';
        live.className = 'live on';
      })
      .catch(function (error) {
        live.textContent = 'not connected: ' + error.message;
        live.className = 'live off';
      })
      .finally(function () { setTimeout(poll, POLL_MS); });
  }

  // ---- the selected exchange ----

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
  }

  function headersTable(headers) {
    var names = Object.keys(headers).sort();
    if (names.length === 0) return el('p', { class: 'hint' }, ['no headers']);
    return el('details', {}, [
      el('summary', {}, [names.length + ' headers']),
      el('dl', { class: 'facts' }, names.flatMap(function (n) { return [el('dt', {}, [n]), el('dd', {}, [headers[n]])]; })),
    ]);
  }

  function bodyBlock(body, truncated) {
    if (body === undefined || body === '') return el('p', { class: 'hint' }, ['no body']);
    return el('div', {}, [el('pre', {}, [pretty(body)]), truncated ? el('p', { class: 'truncated' }, ['cut: only the start is kept']) : null]);
  }

  function whyBlock(e) {
    var why = e.why;
    var items = [];
    var problem = Boolean(why.refusal) || e.status >= 400;
    if (why.refusal) items.push(el('p', {}, [el('strong', {}, ['Refused (' + why.refusal.trigger + '): ']), why.refusal.message + (why.refusal.param ? ' [' + why.refusal.param + ']' : '')]));
    if (why.outcome) items.push(el('p', {}, ['Answered by ', el('strong', {}, [why.outcome.source]), why.outcome.detail ? ': ' + why.outcome.detail : '']));
    if (why.prefer) items.push(el('p', {}, ['Prefer: ' + why.prefer]));
    Object.keys(why).forEach(function (key) {
      if (['refusal', 'outcome', 'prefer', 'notes'].indexOf(key) < 0) items.push(el('p', {}, [key + ': ' + JSON.stringify(why[key])]));
    });
    (why.notes || []).forEach(function (note) { items.push(el('p', {}, ['Note: ' + note])); });
    if (e.answer.stream && e.answer.stream.end !== 'complete') {
      problem = true;
      items.push(el('p', {}, [el('strong', {}, ['Stream ' + e.answer.stream.end]), e.answer.stream.error ? ': ' + e.answer.stream.error : '']));
    }
    if (items.length === 0) items.push(el('p', { class: 'hint' }, ['Synthesised by the provider profile; nothing unusual.']));
    return el('div', { class: 'why' + (problem ? ' problem' : '') }, items);
  }

  function isBadEvent(ev) {
    return ev.event === 'error' || /"type"\s*:\s*"error"/.test(ev.data) || /"error"\s*:/.test(ev.data);
  }

  function timeline(e) {
    var stream = e.answer.stream;
    var events = stream.events;
    var total = Math.max(totalMs(e), events.length ? events[events.length - 1].offsetMs : 0, 1);
    var gaps = events.map(function (ev, i) { return i === 0 ? ev.offsetMs : ev.offsetMs - events[i - 1].offsetMs; });
    var sorted = gaps.slice(1).sort(function (a, b) { return a - b; });
    var median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
    var isGap = function (g, i) { return i > 0 && g >= 20 && g > 3 * median; };
    var track = el('div', { class: 'track', role: 'img', 'aria-label': events.length + ' events over ' + total + ' ms' });
    events.forEach(function (ev) {
      var tick = el('span', { class: 'tick' + (isBadEvent(ev) ? ' bad' : ''), title: (ev.event || 'data') + ' at ' + ev.offsetMs + ' ms' });
      tick.style.left = (100 * ev.offsetMs / total).toFixed(2) + '%';
      track.append(tick);
    });
    var first = events.length ? events[0].offsetMs + ' ms' : 'none';
    var largest = gaps.slice(1).reduce(function (a, b) { return Math.max(a, b); }, 0);
    var rows = events.map(function (ev, i) {
      var tr = el('tr', { class: 'event' }, [
        el('td', { class: 'num' }, [String(ev.offsetMs)]),
        el('td', { class: 'num gapms' }, ['+' + gaps[i]]),
        el('td', {}, [ev.event || '']),
        el('td', { class: 'data' }, [ev.data.length > 400 ? ev.data.slice(0, 400) + '…' : ev.data]),
      ]);
      if (isGap(gaps[i], i)) tr.classList.add('gap');
      if (isBadEvent(ev)) tr.classList.add('bad');
      return tr;
    });
    return el('div', { class: 'stream' }, [
      el('dl', { class: 'facts' }, [
        el('dt', {}, ['first event']), el('dd', { class: 'ttfe' }, [first]),
        el('dt', {}, ['events']), el('dd', {}, [String(events.length) + (stream.dropped ? ' (+' + stream.dropped + ' not kept)' : '')]),
        el('dt', {}, ['largest gap']), el('dd', {}, [largest + ' ms']),
        el('dt', {}, ['ended']), el('dd', {}, [stream.end + ' after ' + totalMs(e) + ' ms']),
      ]),
      track,
      el('div', { class: 'scale' }, [el('span', {}, ['0 ms']), el('span', {}, [total + ' ms'])]),
      el('table', { class: 'events' }, [
        el('thead', {}, [el('tr', {}, [el('th', {}, ['ms']), el('th', {}, ['gap']), el('th', {}, ['event']), el('th', {}, ['data'])])]),
        el('tbody', {}, rows),
      ]),
    ]);
  }

  function showDetail(e) {
    var answer = e.answer.stream ? timeline(e) : bodyBlock(e.answer.body, e.answer.truncated);
    detail.replaceChildren(
      el('h2', {}, [e.method + ' ' + e.path, el('span', { class: 'status ' + statusClass(e.status) }, [String(e.status)])]),
      el('dl', { class: 'facts' }, [
        el('dt', {}, ['time']), el('dd', {}, [e.time]),
        el('dt', {}, ['took']), el('dd', {}, [e.durationMs + ' ms to the head' + (e.streamMs !== undefined ? ', ' + e.streamMs + ' ms to the end' : '')]),
        el('dt', {}, ['provider']), el('dd', {}, [(e.provider || '–') + (e.operationId ? ' · ' + e.operationId : '')]),
        el('dt', {}, ['session']), el('dd', {}, [e.session]),
      ]),
      el('h2', {}, ['Why']), whyBlock(e),
      el('h2', {}, ['Request']), headersTable(e.request.headers), bodyBlock(e.request.body, e.request.truncated),
      el('h2', {}, ['Answer']), headersTable(e.answer.headers), answer
    );
  }

  function select(id) {
    var e = entries.find(function (x) { return x.id === id; });
    if (!e) return;
    selectedId = id;
    list.querySelectorAll('tr').forEach(function (tr) { tr.setAttribute('aria-selected', String(Number(tr.dataset.id) === id)); });
    showDetail(e);
  }

  list.addEventListener('click', function (event) {
    var tr = event.target.closest('tr');
    if (tr) select(Number(tr.dataset.id));
  });
  list.addEventListener('keydown', function (event) {
    var tr = event.target.closest('tr');
    if (!tr) return;
    var next = event.key === 'ArrowDown' ? tr.nextElementSibling : event.key === 'ArrowUp' ? tr.previousElementSibling : event.key === 'Enter' ? tr : null;
    if (!next) return;
    event.preventDefault();
    next.focus();
    select(Number(next.dataset.id));
  });
  Object.keys(filters).forEach(function (name) { filters[name].addEventListener('change', function () { renderList(); }); });
  document.getElementById('clear').addEventListener('click', function () {
    fetch('journal', { method: 'DELETE' }).then(function () {
      entries = [];
      selectedId = null;
      detail.replaceChildren(el('p', { class: 'hint' }, ['Journal cleared.']));
      renderList();
    });
  });

  poll();
})();
`;
