// The Loomchat web client: the protocol of docs/PROTOCOL.md over a WebSocket, one JSON object per message.
// Everything people send is put on the page as text (textContent), never as HTML.
'use strict';

(() => {
  const $ = id => document.getElementById(id);
  const store = { get: (k) => { try { return localStorage.getItem(k); } catch (e) { return null; } },
                  set: (k, v) => { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } } };
  const tab = { get: (k) => { try { return sessionStorage.getItem(k); } catch (e) { return null; } },
                set: (k, v) => { try { sessionStorage.setItem(k, v); } catch (e) { /* private mode */ } } };

  // ---- Nick colors: the terminal client's (protocol NickColors): the same hash, its 256-color palette.
  const PALETTE = [167, 35, 171, 208, 24, 125, 70, 69, 205, 22, 93, 196, 38, 201, 130, 27, 198, 40, 98];
  const LEVELS = [0, 95, 135, 175, 215, 255];
  function xterm(i) {
    const n = i - 16;
    return `rgb(${LEVELS[Math.floor(n / 36)]}, ${LEVELS[Math.floor(n / 6) % 6]}, ${LEVELS[n % 6]})`;
  }
  function nickHash(nick) {
    let h = 0x811c9dc5 | 0;
    for (const ch of nick.toLowerCase()) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }
  const nickColor = nick => xterm(PALETTE[nickHash(nick) % PALETTE.length]);

  // ---- Text from others: control, bidi and invisible characters shown, as the terminal client does.
  const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\u200B\u200E\u200F\u061C\u2060-\u2064\uFEFF\u180E]/g;
  const safe = text => String(text ?? '').replace(UNSAFE, c => {
    const n = c.charCodeAt(0);
    return n < 0x20 ? '^' + String.fromCharCode(n + 0x40) : n === 0x7f ? '^?'
      : '<U+' + n.toString(16).toUpperCase().padStart(4, '0') + '>';
  });
  const roomName = r => String(r || '').replace(/^#/, '').toLowerCase();
  /** The room a link's #fragment names; a fragment that is not valid percent-encoding is taken as it is. */
  const hashRoom = () => {
    const raw = location.hash.slice(1);
    try { return roomName(decodeURIComponent(raw)); } catch (e) { return roomName(raw); }
  };
  const hhmm = ts => { const d = ts ? new Date(ts) : new Date(); return d.toTimeString().slice(0, 5); };

  // ---- State. One owner: this closure; the socket's handlers and the page's events run on one thread.
  const state = {
    nick: null, password: null, wanted: false, registered: false, everRegistered: false,
    account: null, accountPassword: null, registering: false, // the account: logged in with every hello
    ws: null, attempts: 0, retryTimer: null,
    epoch: tab.get('loomchat.epoch'), token: tab.get('loomchat.resume'), tokenNick: tab.get('loomchat.resumeNick'),
    views: new Map(), // 'room:NAME' or 'pm:nick' -> view
    order: [], // room view keys in join order
    current: null,
    pending: new Map(), // ref -> {request, el, view}
    refs: 0,
    who: new Map(), // ref -> room name: member lists this page asked for
    paging: new Map(), // ref -> room name: older history asked for
    serverInfo: { name: 'Loomchat', password: false },
  };

  const nextRef = kind => kind + (++state.refs).toString(36) + Date.now().toString(36).slice(-4);

  function view(key) {
    let v = state.views.get(key);
    if (!v) {
      const pm = key.startsWith('pm:');
      v = { key, kind: pm ? 'pm' : 'room', name: key.slice(pm ? 3 : 5), joined: false, lastId: 0, oldestId: null,
            ids: new Set(), more: false, unread: 0, mention: false, topic: '', members: [], away: new Map(), marker: 0,
            el: document.createElement('div'), label: pm ? key.slice(3) : key.slice(5) };
      v.el.className = 'lines';
      v.el.hidden = true;
      v.el.dataset.view = key;
      $('log').appendChild(v.el);
      state.views.set(key, v);
      if (!pm) state.order.push(key);
    }
    return v;
  }
  const roomView = name => view('room:' + roomName(name));
  const pmView = nick => { const v = view('pm:' + nick.toLowerCase()); v.label = nick; return v; };
  const currentView = () => state.current && state.views.get(state.current);

  // ---- Drawing lines.
  function atBottom() {
    const log = $('log');
    return log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  }
  function stick(wasAtBottom) {
    if (wasAtBottom) $('log').scrollTop = $('log').scrollHeight;
  }
  function nickSpan(nick) {
    const s = document.createElement('span');
    s.className = 'nick';
    s.textContent = safe(nick);
    s.style.color = nickColor(nick);
    return s;
  }
  function line(className, ts, ...parts) {
    const div = document.createElement('div');
    div.className = 'line ' + className;
    const time = document.createElement('time');
    time.textContent = hhmm(ts);
    if (ts) time.dateTime = ts;
    div.append(time, ...parts);
    return div;
  }
  function textSpan(text) {
    const s = document.createElement('span');
    s.className = 'text';
    s.textContent = safe(text);
    return s;
  }
  function note(v, text, className = 'notice') {
    const target = v || currentView() || roomView('lobby');
    const bottom = target.key === state.current && atBottom();
    target.el.appendChild(line(className, null, textSpan(className === 'error' ? '!!! ' + text : '-!- ' + text)));
    if (target.key === state.current) stick(bottom);
  }
  function mentions(text) {
    if (!state.nick) return false;
    const escaped = state.nick.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp('(^|[^A-Za-z0-9_-])' + escaped + '($|[^A-Za-z0-9_-])', 'i').test(text);
  }
  function chatLine(m, from, isPrivate) {
    const own = from.toLowerCase() === (state.nick || '').toLowerCase();
    const mention = !own && (isPrivate || mentions(m.text));
    const cls = (m.action ? 'action' : 'say') + (m.history ? ' history' : '') + (mention && !m.history ? ' mention' : '');
    const el = m.action
      ? line(cls, m.ts, document.createTextNode('* '), nickSpan(from), document.createTextNode(' '), textSpan(m.text))
      : line(cls, m.ts, document.createTextNode('<'), nickSpan(from), document.createTextNode('> '), textSpan(m.text));
    if (m.id) el.dataset.id = m.id;
    return { el, mention, own };
  }
  /** Puts a room's message in id order: live ones at the end, an older page before what is shown. */
  function placeById(v, el, id) {
    if (id > v.lastId) {
      v.el.appendChild(el);
      return;
    }
    for (const child of v.el.children) {
      if (child.dataset.id && Number(child.dataset.id) > id) {
        v.el.insertBefore(el, child);
        return;
      }
    }
    v.el.appendChild(el);
  }

  // ---- Views and side lists.
  function show(key) {
    const v = state.views.get(key);
    if (!v) return;
    const old = currentView();
    if (old) old.el.hidden = true;
    state.current = key;
    v.el.hidden = false;
    v.unread = 0;
    v.mention = false;
    $('title').textContent = v.kind === 'room' ? '#' + v.name : safe(v.label);
    $('topic').textContent = v.kind === 'room' ? safe(v.topic) : 'private conversation';
    if (v.kind === 'room' && location.hash !== '#' + v.name) history.replaceState(null, '', '#' + v.name);
    $('rooms').classList.remove('open');
    $('log').scrollTop = $('log').scrollHeight;
    drawLists();
    if (v.kind === 'room' && v.joined) askWho(v.name);
    fillScreen();
    markRead();
  }
  function badge(v) {
    const b = document.createElement('span');
    b.className = 'badge' + (v.mention ? ' mention' : '');
    b.textContent = v.unread > 99 ? '99+' : String(v.unread);
    b.title = v.mention ? 'unread, mentions you' : 'unread';
    return b;
  }
  function listItem(v, text) {
    const li = document.createElement('li');
    li.dataset.view = v.key;
    if (v.key === state.current) li.className = 'current';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = text;
    li.appendChild(name);
    if (v.unread > 0 && v.key !== state.current) li.appendChild(badge(v));
    li.addEventListener('click', () => show(v.key));
    return li;
  }
  function drawLists() {
    const rooms = $('room-list');
    rooms.replaceChildren(...state.order.map(k => state.views.get(k)).filter(v => v.joined)
      .map(v => listItem(v, '#' + v.name)));
    const privates = $('private-list');
    privates.replaceChildren(...[...state.views.values()].filter(v => v.kind === 'pm').map(v => listItem(v, safe(v.label))));
    const v = currentView();
    const members = $('member-list');
    if (v && v.kind === 'room') {
      $('members-title').textContent = `Members (${v.members.length})`;
      members.replaceChildren(...v.members.map(n => {
        const li = document.createElement('li');
        li.appendChild(nickSpan(n));
        if (v.away.has(n)) {
          li.className = 'away';
          li.title = 'away: ' + safe(v.away.get(n));
        }
        li.addEventListener('click', () => { $('line').value = '/msg ' + n + ' '; $('line').focus(); });
        return li;
      }));
    } else {
      $('members-title').textContent = 'Members';
      members.replaceChildren();
    }
    $('my-nick').textContent = state.nick || '';
    const unread = [...state.views.values()].reduce((n, x) => n + x.unread, 0);
    document.title = (unread ? `(${unread}) ` : '') + state.serverInfo.name + ' — Loomchat';
  }

  // ---- The socket.
  function send(request) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) {
      const line = JSON.stringify(request);
      const max = state.serverInfo && state.serverInfo.maxLineBytes;
      if (max && new TextEncoder().encode(line).length > max) {
        // The server closes a WebSocket whose message is over max-line-bytes (1009): said here instead.
        error({ code: 'line_too_long', message: 'line exceeds max-line-bytes=' + max, ref: request.ref });
        return true;
      }
      state.ws.send(line);
      return true;
    }
    return false;
  }
  function setStatus(text, down) {
    $('status').textContent = text;
    $('status').classList.toggle('down', !!down);
  }
  function connect() {
    clearTimeout(state.retryTimer);
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    state.ws = ws;
    state.registered = false;
    if (state.everRegistered) setStatus(`reconnecting (try ${state.attempts + 1})…`, true);
    ws.onopen = () => ws === state.ws && hello();
    ws.onmessage = e => {
      if (ws !== state.ws) return;
      let event;
      try { event = JSON.parse(e.data); } catch (err) { return; }
      handle(event);
    };
    ws.onclose = () => {
      if (ws !== state.ws) return;
      state.ws = null;
      state.registered = false;
      if (state.wanted && state.everRegistered) {
        state.attempts++;
        const delay = Math.min(10000, 500 * 2 ** Math.min(state.attempts - 1, 5)) * (0.75 + Math.random() / 2);
        setStatus(`reconnecting in ${Math.ceil(delay / 1000)} s…`, true);
        state.retryTimer = setTimeout(connect, delay);
      } else if (state.wanted) {
        loginProblem('cannot reach the server; try again');
      }
    };
  }
  function hello() {
    const first = state.current && state.current.startsWith('room:') && currentView().joined ? currentView()
      : state.order.map(k => state.views.get(k)).find(v => v.joined);
    const request = { type: 'hello', nick: state.nick };
    const room = first ? first.name : state.firstRoom;
    if (room) request.room = room;
    if (first && first.lastId > 0 && state.epoch) request.after = first.lastId;
    if (state.password) request.password = state.password;
    if (state.accountPassword && !state.registering) {
      request.account = state.account || state.nick;
      request.account_password = state.accountPassword;
    }
    if (state.token && state.tokenNick && state.tokenNick.toLowerCase() === state.nick.toLowerCase()) {
      request.resume = state.token;
    }
    send(request);
  }
  function welcome(e) {
    const restarted = state.epoch && e.epoch !== state.epoch;
    state.registered = true;
    state.account = e.account || null;
    if (state.registering) {
      state.registering = false;
      send({ type: 'register', password: state.accountPassword, ref: nextRef('a') });
    }
    state.nick = e.nick;
    state.token = e.resume;
    state.tokenNick = e.nick;
    state.epoch = e.epoch;
    tab.set('loomchat.resume', e.resume);
    tab.set('loomchat.resumeNick', e.nick);
    tab.set('loomchat.epoch', e.epoch);
    store.set('loomchat.nick', e.nick);
    state.serverInfo.name = e.server || state.serverInfo.name;
    const again = state.everRegistered;
    state.everRegistered = true;
    state.attempts = 0;
    setStatus('online');
    $('login').hidden = true;
    $('chat').hidden = false;
    if (restarted) {
      for (const v of state.views.values()) { v.lastId = 0; v.ids.clear(); }
      note(null, 'the server restarted without keeping its history; what was said meanwhile is gone');
    }
    if (again) {
      // Rejoin the other rooms from where this page stopped, then send again what was not acknowledged:
      // the server recognizes a resent line by its ref and says it once.
      for (const key of state.order) {
        const v = state.views.get(key);
        if (v.joined && v.name !== roomName(e.room)) {
          const join = { type: 'join', room: v.name };
          if (v.lastId > 0) join.after = v.lastId;
          send(join);
        }
      }
      for (const p of state.pending.values()) send(p.request);
    }
    drawLists();
  }

  function askWho(room, after) {
    const ref = nextRef('w');
    state.who.set(ref, room);
    const request = { type: 'who', room, ref };
    if (after) request.after = after;
    send(request);
  }

  function handle(e) {
    switch (e.type) {
      case 'welcome': welcome(e); break;
      case 'message': message(e); break;
      case 'private': privateMessage(e); break;
      case 'joined': joined(e); break;
      case 'left': left(e); break;
      case 'renamed': renamed(e); break;
      case 'topic': topic(e); break;
      case 'members': members(e); break;
      case 'history_end': historyEnd(e); break;
      case 'away': away(e); break;
      case 'room_list': roomList(e); break;
      case 'notice': if (state.registered) note(null, e.text); break;
      case 'pong': if (e.ref && e.ref.startsWith('u')) note(null, 'pong: the server answers'); break;
      case 'ping': send({ type: 'pong' }); break;
      case 'error': error(e); break;
      case 'account':
        state.account = e.account || null;
        note(null, e.account ? 'you are logged in as ' + e.account : 'you are logged in to no account');
        break;
      case 'read': read(e); break;
      case 'bye': bye(e); break;
    }
  }

  function message(m) {
    const v = roomView(m.room);
    if (m.ref && state.pending.has(m.ref)) {
      state.pending.get(m.ref).el.remove();
      state.pending.delete(m.ref);
    }
    if (v.ids.has(m.id)) return; // already shown: a replay that overlaps
    v.ids.add(m.id);
    const bottom = v.key === state.current && atBottom();
    const { el, mention, own } = chatLine(m, m.from, false);
    placeById(v, el, m.id);
    v.lastId = Math.max(v.lastId, m.id);
    v.oldestId = v.oldestId === null ? m.id : Math.min(v.oldestId, m.id);
    if (v.key === state.current) stick(bottom);
    if (!own && !m.history) attention(v, mention, m.from, m.text);
    if (v.key === state.current) markRead();
  }
  // ---- Read markers: an account's, in step on every device. The room on the screen counts as read once
  // the page is visible and scrolled to its newest line; a marker moved elsewhere clears the count here.
  function markRead() {
    const v = currentView();
    if (!state.account || !v || v.kind !== 'room' || document.hidden || !atBottom() || v.lastId <= v.marker) return;
    v.marker = v.lastId;
    send({ type: 'mark_read', room: v.name, id: v.lastId, ref: nextRef('r') });
  }
  function read(e) {
    const v = roomView(e.room);
    v.marker = Math.max(v.marker, e.id);
    if (e.id >= v.lastId || (!e.ref && v.key !== state.current)) {
      v.unread = v.key === state.current && !document.hidden ? 0 : e.unread;
      v.mention = v.unread > 0 && v.mention;
      drawLists();
    }
    if (!e.ref && e.unread > 0) note(v, e.unread + ' unread since you last read ' + '#' + v.name);
  }

  function privateMessage(m) {
    const own = m.from.toLowerCase() === (state.nick || '').toLowerCase();
    const other = own ? m.to : m.from;
    const v = pmView(other);
    if (m.ref && state.pending.has(m.ref)) {
      state.pending.get(m.ref).el.remove();
      state.pending.delete(m.ref);
    }
    const bottom = v.key === state.current && atBottom();
    v.el.appendChild(chatLine(m, m.from, true).el);
    if (v.key === state.current) stick(bottom);
    if (!own) attention(v, true, m.from, m.text);
    drawLists();
  }
  function attention(v, mention, from, text) {
    const seen = v.key === state.current && !document.hidden;
    if (!seen) {
      v.unread++;
      v.mention = v.mention || mention;
    }
    if (mention && !seen && 'Notification' in window && Notification.permission === 'granted') {
      const where = v.kind === 'room' ? ' in #' + v.name : '';
      new Notification(safe(from) + where, { body: safe(text), tag: v.key });
    }
    drawLists();
  }
  function joined(e) {
    const v = roomView(e.room);
    const me = e.nick.toLowerCase() === (state.nick || '').toLowerCase();
    if (me) {
      const first = !v.joined;
      v.joined = true;
      if (first && (e.ref || !state.current || state.current === v.key || !currentView().joined)) show(v.key);
      note(v, 'you joined #' + v.name);
      askWho(v.name);
    } else {
      if (!v.members.some(n => n.toLowerCase() === e.nick.toLowerCase())) {
        v.members.push(e.nick);
        v.members.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      }
      note(v, safe(e.nick) + ' joined');
    }
    drawLists();
  }
  function left(e) {
    const v = roomView(e.room);
    // "leave" says nothing more; "leave: lunch" says lunch
    const why = !e.reason || e.reason === 'leave' ? '' : ' (' + safe(e.reason.startsWith('leave: ') ? e.reason.slice(7) : e.reason) + ')';
    const me = e.nick.toLowerCase() === (state.nick || '').toLowerCase();
    if (me) {
      v.joined = false;
      note(v, 'you left #' + v.name + why);
      if (state.current === v.key) {
        const other = state.order.map(k => state.views.get(k)).find(x => x.joined);
        if (other) show(other.key);
      }
    } else {
      v.members = v.members.filter(n => n.toLowerCase() !== e.nick.toLowerCase());
      note(v, safe(e.nick) + ' left' + why);
    }
    drawLists();
  }
  function renamed(e) {
    const me = e.old.toLowerCase() === (state.nick || '').toLowerCase();
    if (me) {
      state.nick = e.nick;
      state.tokenNick = e.nick;
      tab.set('loomchat.resumeNick', e.nick);
      store.set('loomchat.nick', e.nick);
    }
    for (const v of state.views.values()) {
      if (v.kind !== 'room' || !v.members.some(n => n.toLowerCase() === e.old.toLowerCase())) continue;
      v.members = v.members.map(n => n.toLowerCase() === e.old.toLowerCase() ? e.nick : n);
      note(v, (me ? 'you are now ' : safe(e.old) + ' is now ') + safe(e.nick));
    }
    drawLists();
  }
  function topic(e) {
    const v = roomView(e.room);
    const changed = v.topic !== e.topic;
    v.topic = e.topic || '';
    if (changed || e.ref) note(v, v.topic ? 'topic: ' + safe(v.topic) + (e.by ? ' (set by ' + safe(e.by) + ')' : '') : 'no topic');
    if (state.current === v.key) $('topic').textContent = safe(v.topic);
  }
  function members(e) {
    const room = state.who.get(e.ref);
    if (room !== undefined) {
      state.who.delete(e.ref);
      const v = roomView(e.room);
      if (state.whoPaging !== e.room) { v.members = []; v.away = new Map(); }
      v.members.push(...e.nicks);
      for (const [nick, reason] of Object.entries(e.away || {})) v.away.set(nick, reason);
      state.whoPaging = e.more ? e.room : null;
      if (e.more) askWho(e.room, e.nicks[e.nicks.length - 1]);
      drawLists();
      return;
    }
    const away = new Map(Object.entries(e.away || {}));
    note(null, '#' + e.room + ': ' + e.nicks.map(n => safe(n) + (away.has(n) ? ' (away)' : '')).join(', ')
      + (e.more ? ' … (/who ' + e.room + ' ' + e.nicks[e.nicks.length - 1] + ' for more)' : ''));
  }
  function historyEnd(e) {
    const v = roomView(e.room);
    v.more = !!e.more;
    if (state.paging.has(e.ref)) {
      state.paging.delete(e.ref);
      v.loadingOlder = false;
      // Older lines went in above: keep the line that was at the top where it was.
      if (v.key === state.current && v.anchor) $('log').scrollTop = $('log').scrollHeight - v.anchor;
      v.anchor = null;
    }
    if (v.key === state.current) fillScreen();
  }
  /** A view too short to scroll could never be scrolled up: ask for older lines until it fills the screen. */
  function fillScreen() {
    const log = $('log');
    if (log.scrollHeight <= log.clientHeight) olderOnScroll(true);
  }
  function away(e) {
    if (e.nick.toLowerCase() === (state.nick || '').toLowerCase()) {
      $('my-away').textContent = e.reason ? '(away: ' + safe(e.reason) + ')' : '';
      note(null, e.reason ? 'you are marked away' : 'you are back');
    } else {
      const v = state.views.get('pm:' + e.nick.toLowerCase());
      note(v || null, safe(e.nick) + ' is away' + (e.reason ? ': ' + safe(e.reason) : ''));
    }
  }
  function roomList(e) {
    note(null, 'rooms: ' + (e.rooms.length === 0 ? 'none' : e.rooms.map(r => '#' + r.name + ' (' + r.members + ')'
      + (r.topic ? ' ' + safe(r.topic) : '')).join(', ')));
  }
  function error(e) {
    if (!state.registered) {
      // A refused hello: the connection stays, but the person must choose again.
      state.wanted = false;
      if (state.ws) state.ws.close();
      loginProblem(safe(e.message));
      return;
    }
    const p = e.ref && state.pending.get(e.ref);
    if (p && e.code === 'unavailable') {
      setTimeout(() => state.pending.has(e.ref) && send(p.request), 1000); // a cluster's storage is back soon
      return;
    }
    if (p) {
      p.el.remove();
      state.pending.delete(e.ref);
    }
    note(p ? p.view : null, safe(e.message) + (p ? ' — not sent: ' + safe(p.request.text) : ''), 'error');
  }
  const FINAL = new Set(['quit', 'banned', 'bad_password', 'replaced', 'oper_failed']);
  function bye(e) {
    if (FINAL.has(e.code)) {
      state.wanted = false;
      if (!state.everRegistered || e.code === 'quit') {
        loginProblem(e.code === 'quit' ? 'you left; join again when you like' : safe(e.reason));
      } else {
        note(null, safe(e.reason), 'error');
        setStatus('disconnected: ' + e.code, true);
      }
    } else if (state.registered) {
      note(null, 'disconnected: ' + safe(e.reason), 'error');
    }
  }
  function loginProblem(text) {
    $('chat').hidden = true;
    $('login').hidden = false;
    $('login-problem').textContent = text;
    state.everRegistered = false;
    for (const v of state.views.values()) v.el.remove();
    state.views.clear();
    state.order = [];
    state.current = null;
    state.pending.clear();
  }

  // ---- What the person types.
  function clientCommand(text) {
    const m = /^\/(\S+)\s*(.*)$/.exec(text.trim());
    if (!m || text.startsWith('//')) return false;
    const word = m[1].toLowerCase();
    const arg = m[2].trim();
    const rooms = state.order.map(k => state.views.get(k)).filter(v => v.joined);
    const index = rooms.findIndex(v => v.key === state.current);
    switch (word) {
      case 'join': case 'j': case 'switch': case 'sw': {
        if (!arg) return word.startsWith('s') ? (note(null, 'usage: /switch ROOM', 'error'), true) : false;
        const v = state.views.get('room:' + roomName(arg.split(/\s+/)[0]));
        if (v && v.joined) { show(v.key); return true; }
        return word.startsWith('s') ? (note(null, 'you are not in #' + roomName(arg), 'error'), true) : false;
      }
      case 'window': case 'win': case 'w': {
        const n = Number(arg);
        if (Number.isInteger(n) && n >= 1 && n <= rooms.length) show(rooms[n - 1].key);
        else note(null, 'usage: /window N (1 to ' + rooms.length + ')', 'error');
        return true;
      }
      case 'next': case 'prev': case 'previous':
        if (rooms.length) show(rooms[(index + (word === 'next' ? 1 : -1) + rooms.length) % rooms.length].key);
        return true;
      case 'query':
        if (arg && !/\s/.test(arg)) { show(pmView(arg).key); return true; }
        return false;
      case 'close':
        if (currentView() && currentView().kind === 'pm') {
          const v = currentView();
          v.el.remove();
          state.views.delete(v.key);
          if (rooms.length) show(rooms[0].key);
          return true;
        }
        return false;
      case 'help': case '?':
        for (const [usage, summary] of LoomInput.COMMANDS) note(null, usage.padEnd(26) + ' ' + summary);
        note(null, '/window N, /next, /prev        move between your rooms');
        note(null, '/query NICK, /close            open or close a private conversation');
        return true;
      default:
        return false;
    }
  }
  function typed(text) {
    if (clientCommand(text)) return;
    const v = currentView();
    const inRoom = v && v.kind === 'room' ? v.name : null;
    const ref = nextRef('u');
    let action = LoomInput.parse(text, inRoom, ref);
    if (action.nothing) return;
    if (action.help) return;
    if (action.problem) { note(null, action.problem, 'error'); return; }
    let request = action.send;
    if (v && v.kind === 'pm' && request.type === 'say') {
      request = { type: 'msg', to: v.label, text: request.text, ref };
      if (action.send.action) request.action = true;
    }
    if (request.type === 'msg') show(pmView(request.to).key);
    if (request.type === 'quit') state.wanted = false;
    if (request.type === 'history' && inRoom) {
      if (request.limit === undefined && v.oldestId !== null) request.before = v.oldestId;
      state.paging.set(ref, inRoom);
      v.anchor = $('log').scrollHeight - $('log').scrollTop;
    }
    if (request.type === 'say' || request.type === 'msg') {
      const target = request.type === 'msg' ? pmView(request.to) : roomView(request.room || inRoom);
      const el = chatLine({ text: request.text, action: request.action }, state.nick, false).el;
      el.classList.add('pending');
      target.el.appendChild(el);
      stick(true);
      state.pending.set(ref, { request, el, view: target });
    }
    send(request);
  }

  function olderOnScroll(anyway) {
    const v = currentView();
    if (!v || v.kind !== 'room' || !v.joined || !v.more || v.loadingOlder || v.oldestId === null) return;
    if (anyway !== true && $('log').scrollTop > 60) return;
    const ref = nextRef('h');
    v.loadingOlder = true;
    v.anchor = $('log').scrollHeight - $('log').scrollTop;
    state.paging.set(ref, v.name);
    send({ type: 'history', room: v.name, before: v.oldestId, limit: 50, ref });
  }

  // ---- Wiring.
  function start() {
    const remembered = store.get('loomchat.nick');
    if (remembered) $('login-nick').value = remembered;
    if (location.hash.length > 1) $('login-room').value = hashRoom();
    fetch('server.json').then(r => r.json()).then(info => {
      state.serverInfo = info;
      $('server-name').textContent = safe(info.name);
      $('login-password-row').hidden = !info.password;
      document.title = safe(info.name) + ' — Loomchat';
    }).catch(() => { /* the defaults will do */ });
    $('login-form').addEventListener('submit', e => {
      e.preventDefault();
      state.nick = $('login-nick').value.trim();
      state.password = $('login-password').value || null;
      state.accountPassword = $('login-account-password').value || null;
      state.registering = !!state.accountPassword && $('login-register').checked;
      state.firstRoom = roomName($('login-room').value.trim()) || null;
      state.wanted = true;
      $('login-problem').textContent = '';
      connect();
    });
    $('compose').addEventListener('submit', e => {
      e.preventDefault();
      const text = $('line').value;
      $('line').value = '';
      typed(text);
    });
    $('log').addEventListener('scroll', olderOnScroll, { passive: true });
    $('log').addEventListener('scroll', markRead, { passive: true });
    window.addEventListener('resize', fillScreen);
    $('toggle-rooms').addEventListener('click', () => $('rooms').classList.toggle('open'));
    $('toggle-members').addEventListener('click', () => $('members').classList.toggle('open'));
    const notify = $('notify');
    if (!('Notification' in window) || Notification.permission !== 'default') notify.hidden = true;
    notify.addEventListener('click', () => Notification.requestPermission().then(() => { notify.hidden = true; }));
    document.addEventListener('visibilitychange', () => {
      const v = currentView();
      if (!document.hidden && v) { v.unread = 0; v.mention = false; drawLists(); markRead(); }
    });
    window.addEventListener('hashchange', () => {
      if (!state.registered || location.hash.length < 2) return;
      const name = hashRoom();
      const v = state.views.get('room:' + name);
      if (v && v.joined) show(v.key); else send({ type: 'join', room: name, ref: nextRef('j') });
    });
  }
  start();
})();
