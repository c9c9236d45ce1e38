// The ops page: reads /api/v1/ops/overview every 2 s with the staff token kept in this tab's session storage.
// Every value is written with textContent (never as HTML).
(function () {
  'use strict';
  const KEY = 'guestcrm.ops.token';
  const $ = (id) => document.getElementById(id);
  let timer = null;
  let owners = { owners: {}, pending: {}, errors: {} };
  let ownersReadAt = 0;
  let letters = null; // the topic whose letters the panel shows: {topic, service}
  let replayFeed = null; // the feed whose replay panel is open

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '–' : String(text);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }
  function badge(row, state) {
    const td = document.createElement('td');
    const span = document.createElement('span');
    span.className = 'state state-' + state;
    span.textContent = state;
    td.appendChild(span);
    td.className = 'state-cell';
    row.appendChild(td);
  }
  function seconds(s) {
    if (s === null || s === undefined) return '–';
    if (s < 60) return s === 0 ? '0s' : s.toFixed(1) + 's';
    const whole = Math.floor(s);
    if (whole < 3600) return Math.floor(whole / 60) + 'm' + String(whole % 60).padStart(2, '0') + 's';
    return Math.floor(whole / 3600) + 'h' + String(Math.floor(whole % 3600 / 60)).padStart(2, '0') + 'm';
  }
  function sparkline(values) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'sparkline');
    svg.setAttribute('width', '120');
    svg.setAttribute('height', '24');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'lag over the last readings: ' + values.join(', '));
    const max = Math.max(1, ...values);
    const step = values.length > 1 ? 118 / (values.length - 1) : 0;
    const points = values.map((v, i) => (1 + i * step).toFixed(1) + ',' + (22 - (v / max) * 20).toFixed(1));
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
    return svg;
  }
  function clear(id) {
    const body = $(id).querySelector('tbody');
    body.replaceChildren();
    return body;
  }
  function empty(body, columns, text) {
    const row = document.createElement('tr');
    const td = cell(row, text, 'muted');
    td.colSpan = columns;
    body.appendChild(row);
  }

  function render(o) {
    $('updated').textContent = 'updated ' + new Date(o.at).toLocaleTimeString();
    $('problem').textContent = o.lag && o.lag.error ? 'Consumer lag: ' + o.lag.error : (o.deadLetterError || '');

    const groups = clear('groups');
    const list = (o.lag && o.lag.groups) || [];
    if (list.length === 0) empty(groups, 7, 'no consumer groups');
    for (const g of list) {
      const row = document.createElement('tr');
      row.dataset.group = g.group;
      cell(row, g.group);
      badge(row, g.state);
      cell(row, g.members, 'number');
      cell(row, g.lag, 'number lag');
      cell(row, seconds(g.secondsBehind), 'number');
      const spark = document.createElement('td');
      spark.appendChild(sparkline(g.history || []));
      row.appendChild(spark);
      const worst = (g.topics || []).flatMap((t) => t.partitions).find((p) => p.state === g.state);
      cell(row, worst ? worst.topic + '-' + worst.partition + ': ' + worst.reason : '');
      groups.appendChild(row);
      for (const t of g.topics || []) {
        const trow = document.createElement('tr');
        trow.className = 'topic';
        trow.dataset.group = g.group;
        trow.dataset.topic = t.topic;
        cell(trow, '↳ ' + t.topic);
        badge(trow, t.state);
        cell(trow, t.partitions.length + ' partitions', 'number');
        cell(trow, t.lag, 'number');
        cell(trow, seconds(t.secondsBehind), 'number');
        cell(trow, '');
        cell(trow, '');
        groups.appendChild(trow);
      }
    }

    const feeds = clear('feeds');
    if (!o.feeds || o.feeds.length === 0) empty(feeds, 8, 'no feed has reported yet');
    for (const f of o.feeds || []) {
      const row = document.createElement('tr');
      row.dataset.feed = f.feed;
      cell(row, f.feed);
      const fresh = document.createElement('td');
      const span = document.createElement('span');
      span.className = 'state state-' + (f.silent ? 'SILENT' : 'FRESH');
      span.textContent = f.lastMessageSeenAt ? 'last message ' + seconds(f.silentSeconds) + ' ago'
        : 'none since ' + new Date(o.watchingSince).toLocaleTimeString();
      fresh.appendChild(span);
      row.appendChild(fresh);
      cell(row, f.accepted, 'number');
      cell(row, f.duplicates, 'number');
      cell(row, f.rejected, 'number');
      cell(row, f.lastRejectReason || '');
      cell(row, f.authFailures, 'number');
      const actions = document.createElement('td');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'open-replay';
      open.textContent = 'Replay…';
      open.setAttribute('aria-label', 'Replay feed ' + f.feed);
      open.addEventListener('click', () => openReplay(f.feed));
      actions.appendChild(open);
      row.appendChild(actions);
      feeds.appendChild(row);
    }

    const services = clear('services');
    if (!o.services || o.services.length === 0) empty(services, 7, 'no service configured');
    for (const s of o.services || []) {
      const row = document.createElement('tr');
      row.dataset.service = s.name;
      cell(row, s.name);
      badge(row, s.ready ? 'UP' : 'DOWN');
      if (s.metricsRead) {
        cell(row, s.outboxBacklog, 'number outbox-backlog');
        cell(row, seconds(s.outboxOldestUnsentSeconds), 'number');
        cell(row, s.outboxParked, 'number outbox-parked');
        cell(row, s.outboxSendFailures, 'number');
        const mail = s.mailDeliveries || {};
        const parts = Object.keys(mail).sort().map((k) => k + ' ' + mail[k]);
        cell(row, parts.join(', '));
      } else {
        const td = cell(row, s.metricsDetail || 'metrics not read', 'muted');
        td.colSpan = 5;
      }
      services.appendChild(row);
    }

    const dead = clear('dead-letters');
    if (!o.deadLetters || o.deadLetters.length === 0) empty(dead, 7, 'no dead-letter topic');
    for (const q of o.deadLetters || []) {
      const row = document.createElement('tr');
      row.dataset.topic = q.topic;
      cell(row, q.topic);
      cell(row, q.pending, 'number pending');
      cell(row, q.total, 'number total');
      cell(row, q.newestAt ? new Date(q.newestAt).toLocaleString() : '');
      cell(row, q.newestReason || '');
      const service = owners.owners[q.topic];
      cell(row, service || 'no watched service owns it', service ? 'owner' : 'owner muted');
      const actions = document.createElement('td');
      if (service) {
        const open = document.createElement('button');
        open.type = 'button';
        open.className = 'open-letters';
        open.textContent = 'Letters';
        open.addEventListener('click', () => openLetters(q.topic, service));
        actions.appendChild(open);
      }
      row.appendChild(actions);
      dead.appendChild(row);
    }
  }

  function authorised() {
    return { Authorization: 'Bearer ' + sessionStorage.getItem(KEY) };
  }
  async function readOwners() {
    if (Date.now() - ownersReadAt < 30000) return;
    ownersReadAt = Date.now();
    try {
      const response = await fetch('api/v1/ops/dead-letter-owners', { headers: authorised() });
      if (response.ok) owners = await response.json();
    } catch (e) {
      ownersReadAt = 0; // read again on the next refresh
    }
  }
  function lettersPath() {
    return 'api/v1/ops/services/' + encodeURIComponent(letters.service) + '/dead-letters/'
      + encodeURIComponent(letters.topic);
  }
  async function problemText(response) {
    try {
      const p = await response.json();
      const fields = (p.invalidParams || []).map((f) => f.name + ': ' + f.reason).join('; ');
      return 'HTTP ' + response.status + ': ' + (p.detail || p.title || '') + (fields ? ' (' + fields + ')' : '');
    } catch (e) {
      return 'HTTP ' + response.status;
    }
  }
  function openLetters(topic, service) {
    letters = { topic: topic, service: service };
    $('letters-topic').textContent = topic;
    $('letters-service').textContent = service;
    $('letters-outcome').textContent = '';
    $('letters').hidden = false;
    loadLetters();
  }
  async function loadLetters() {
    if (!letters) return;
    const shown = letters;
    const body = $('letters-table').querySelector('tbody');
    let list;
    try {
      const response = await fetch(lettersPath(), { headers: authorised() });
      if (!response.ok) { $('letters-outcome').textContent = 'Cannot list: ' + await problemText(response); return; }
      list = await response.json();
    } catch (e) {
      $('letters-outcome').textContent = 'Cannot list: ' + e.message;
      return;
    }
    if (letters !== shown) return;
    body.replaceChildren();
    if (list.length === 0) empty(body, 7, 'no dead letter you may see');
    for (const l of list) {
      const row = document.createElement('tr');
      row.dataset.partition = l.partition;
      row.dataset.offset = l.offset;
      row.dataset.state = l.state;
      cell(row, l.partition + '@' + l.offset);
      cell(row, l.at ? new Date(l.at).toLocaleString() : '');
      cell(row, l.reason || '', 'reason');
      cell(row, l.originalTopic ? l.originalTopic + '-' + l.originalPartition + '@' + l.originalOffset : '');
      badge(row, l.state);
      const noteCell = document.createElement('td');
      const actions = document.createElement('td');
      if (l.state === 'PENDING') {
        const note = document.createElement('input');
        note.className = 'note';
        note.size = 24;
        note.maxLength = 500;
        note.setAttribute('aria-label', 'why it is discarded (or a note for the replay)');
        noteCell.appendChild(note);
        const replay = document.createElement('button');
        replay.type = 'button';
        replay.className = 'replay';
        replay.textContent = 'Replay';
        replay.addEventListener('click', () => act('/replay', { letters: [{ partition: l.partition, offset: l.offset }], note: note.value || null }, 'Replayed'));
        const discard = document.createElement('button');
        discard.type = 'button';
        discard.className = 'discard';
        discard.textContent = 'Discard';
        discard.addEventListener('click', () => act('/' + l.partition + '/' + l.offset + '/discard', { note: note.value }, 'Discarded'));
        actions.append(replay, discard);
      } else {
        noteCell.textContent = (l.note || '') + (l.actedBy ? ' (' + l.actedBy + ')' : '');
      }
      row.append(noteCell, actions);
      body.appendChild(row);
    }
  }
  async function act(suffix, payload, done) {
    try {
      const response = await fetch(lettersPath() + suffix, {
        method: 'POST',
        headers: Object.assign({ 'Content-Type': 'application/json' }, authorised()),
        body: JSON.stringify(payload)
      });
      if (!response.ok) {
        $('letters-outcome').textContent = 'Refused: ' + await problemText(response);
        return;
      }
      const answer = await response.json();
      if (Array.isArray(answer)) {
        const replayed = answer.filter((a) => a.outcome === 'REPLAYED').length;
        $('letters-outcome').textContent = 'Replayed ' + replayed + ' of ' + answer.length + ' letter(s).';
      } else {
        $('letters-outcome').textContent = done + ' ' + answer.partition + '@' + answer.offset + '.';
      }
      ownersReadAt = 0;
    } catch (e) {
      $('letters-outcome').textContent = 'Failed: ' + e.message;
    }
    loadLetters();
  }
  $('letters-replay-all').addEventListener('click', () => act('/replay', { all: true }, 'Replayed'));
  $('letters-close').addEventListener('click', () => { letters = null; $('letters').hidden = true; });

  function localInput(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T'
      + pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
  }
  function replayPath(suffix) {
    return 'api/v1/ops/feeds/' + encodeURIComponent(replayFeed) + suffix;
  }
  function openReplay(feed) {
    replayFeed = feed;
    $('replay-feed').textContent = feed;
    $('replay-outcome').textContent = '';
    const now = new Date();
    $('replay-to').value = localInput(new Date(now.getTime() + 60000));
    $('replay-from').value = localInput(new Date(now.getTime() - 24 * 3600 * 1000));
    $('replay').hidden = false;
    loadReplays();
  }
  async function loadReplays() {
    if (!replayFeed) return;
    const shown = replayFeed;
    const body = $('replays-table').querySelector('tbody');
    try {
      const response = await fetch(replayPath('/replays'), { headers: authorised() });
      if (!response.ok) { body.replaceChildren(); empty(body, 8, 'earlier replays not shown: ' + await problemText(response)); return; }
      const list = await response.json();
      if (replayFeed !== shown) return;
      body.replaceChildren();
      if (list.length === 0) empty(body, 8, 'no replay of this feed yet');
      for (const r of list) {
        const row = document.createElement('tr');
        cell(row, r.startedAt ? new Date(r.startedAt).toLocaleString() : '');
        cell(row, r.requestedBy || '');
        cell(row, (r.from ? new Date(r.from).toLocaleString() : '') + ' – ' + (r.to ? new Date(r.to).toLocaleString() : ''));
        cell(row, r.messages, 'number');
        cell(row, r.reEmitted, 'number');
        cell(row, r.unchanged, 'number');
        cell(row, r.refused, 'number');
        cell(row, r.notReplayable, 'number');
        body.appendChild(row);
      }
    } catch (e) {
      body.replaceChildren();
      empty(body, 8, 'earlier replays not shown: ' + e.message);
    }
  }
  $('replay-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const from = $('replay-from').value;
    const to = $('replay-to').value;
    const payload = {
      from: from ? new Date(from).toISOString() : null,
      to: to ? new Date(to).toISOString() : null
    };
    $('replay-outcome').textContent = 'Replaying…';
    try {
      const response = await fetch(replayPath('/replay'), {
        method: 'POST',
        headers: Object.assign({ 'Content-Type': 'application/json' }, authorised()),
        body: JSON.stringify(payload)
      });
      if (!response.ok) { $('replay-outcome').textContent = 'Refused: ' + await problemText(response); return; }
      const a = await response.json();
      $('replay-outcome').textContent = 'Replayed ' + a.messages + ' message(s): ' + a.reEmitted + ' re-emitted ('
        + a.eventsEmitted + ' event(s)), ' + a.unchanged + ' unchanged, ' + a.refused + ' refused, '
        + a.notReplayable + ' not replayable.';
    } catch (e) {
      $('replay-outcome').textContent = 'Failed: ' + e.message;
    }
    loadReplays();
  });
  $('replay-close').addEventListener('click', () => { replayFeed = null; $('replay').hidden = true; });

  function showLogin(message) {
    if (timer) clearTimeout(timer);
    ownersReadAt = 0;
    letters = null;
    replayFeed = null;
    $('letters').hidden = true;
    $('replay').hidden = true;
    $('board').hidden = true;
    $('forget').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
  }

  async function refresh() {
    const token = sessionStorage.getItem(KEY);
    if (!token) { showLogin(''); return; }
    try {
      const response = await fetch('api/v1/ops/overview', { headers: { Authorization: 'Bearer ' + token } });
      if (response.status === 401) { sessionStorage.removeItem(KEY); showLogin('The token was refused (401): expired or not from this issuer.'); return; }
      if (response.status === 403) { sessionStorage.removeItem(KEY); showLogin('The token lacks role ops for every tenant (403).'); return; }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const overview = await response.json();
      await readOwners();
      render(overview);
      $('login').hidden = true;
      $('board').hidden = false;
      $('forget').hidden = false;
    } catch (e) {
      $('problem').textContent = 'Cannot read the overview: ' + e.message + ' (retrying)';
    }
    timer = setTimeout(refresh, 2000);
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = $('token').value.trim();
    if (!value) { $('login-error').textContent = 'Paste a token first.'; return; }
    sessionStorage.setItem(KEY, value);
    $('token').value = '';
    refresh();
  });
  $('forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); showLogin(''); });
  refresh();
})();
