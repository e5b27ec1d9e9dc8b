// The phone 场控 panel. Plain JS, no build step, no CDN; text from others only ever goes into
// textContent (never innerHTML). Protocol: console/panel/server.py.
'use strict';

(function () {
  const PROTOCOL = 'live-console.v1';
  const TOKEN_PREFIX = 'live-console.token.';
  const RETRY = [500, 1000, 2000, 3000, 5000];

  let strings = {};
  let lang = 'zh';
  let token = null; // from the pairing answer; kept in memory only (the cookie does the rest)
  let ws = null;
  let hello = null;
  let state = null;
  let receivedAt = 0;
  let tab = null;
  let nextId = 1;
  let attempt = 0;
  let connected = false;
  let retryTimer = null;
  const pending = new Map();

  const $ = (id) => document.getElementById(id);
  const t = (key) => (strings[lang] && strings[lang][key]) || (strings.en && strings.en[key]) || key;

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(label, action, args, cls) {
    const b = el('button', 'btn ' + (cls || ''), label);
    b.type = 'button';
    b.dataset.act = action;
    if (args) b.dataset.args = JSON.stringify(args);
    const allowed = hello && hello.actions.indexOf(action) >= 0;
    if (!allowed) b.hidden = true;
    return b;
  }

  function can(action) {
    return !!(hello && hello.actions.indexOf(action) >= 0);
  }

  // ---- time: the server's clock, moved on by ours since the last snapshot
  function serverNow() {
    if (!state) return Date.now() / 1000;
    return state.now + (Date.now() - receivedAt) / 1000;
  }

  function clock(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    const s = Math.max(0, Math.round(seconds));
    const m = Math.floor(s / 60);
    const r = s % 60;
    return (m < 10 ? '0' : '') + m + ':' + (r < 10 ? '0' : '') + r;
  }

  function countdown(endsAt) {
    const span = el('span', 'countdown', clock(endsAt - serverNow()));
    span.dataset.ends = String(endsAt);
    return span;
  }

  function tickCountdowns() {
    document.querySelectorAll('[data-ends]').forEach((node) => {
      node.textContent = clock(Number(node.dataset.ends) - serverNow());
    });
  }

  // ---- language
  function applyLang() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    $('title').textContent = t('title');
    document.title = t('title');
    $('lang').textContent = t('lang_toggle');
    $('pair-title').textContent = t('pair_title');
    $('pair-hint').textContent = t('pair_hint');
    $('pair-code-label').textContent = t('pair_code');
    $('pair-device-label').textContent = t('pair_device');
    $('pair-device').placeholder = t('pair_device_placeholder');
    $('pair-button').textContent = t('pair_button');
    setConn(connected ? 'live' : (ws ? 'lost' : 'connecting'));
    if (hello) {
      $('role').textContent = t('role_' + hello.role) + ' · ' + hello.device;
    }
    render();
  }

  function setConn(which) {
    const node = $('conn');
    node.dataset.state = which;
    node.textContent = t('conn_' + which);
    const status = $('status');
    status.hidden = which !== 'lost';
    status.textContent = which === 'lost' ? t('conn_lost') : '';
  }

  function toast(text) {
    const node = $('toast');
    node.textContent = text;
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, 4000);
  }

  // ---- pairing
  function showPair(code, note) {
    $('panel').hidden = true;
    $('tabs').hidden = true;
    $('role').hidden = true;
    $('pair').hidden = false;
    $('pair-note').hidden = !note;
    $('pair-note').textContent = note || '';
    if (code) $('pair-code').value = code;
    const name = $('pair-device');
    (code ? name : $('pair-code')).focus();
  }

  async function pair(event) {
    event.preventDefault();
    const error = $('pair-error');
    error.hidden = true;
    let answer;
    try {
      const response = await fetch('pair', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ code: $('pair-code').value.trim(), device: $('pair-device').value }),
      });
      answer = await response.json();
    } catch (e) {
      answer = { ok: false, error: String(e) };
    }
    if (!answer.ok) {
      error.textContent = answer.error || 'pairing failed';
      error.hidden = false;
      return;
    }
    token = answer.token;
    history.replaceState(null, '', location.pathname); // the code is spent: off the address bar
    $('pair').hidden = true;
    connect();
  }

  // ---- the socket
  function connect() {
    clearTimeout(retryTimer);
    const protocols = [PROTOCOL];
    if (token) protocols.push(TOKEN_PREFIX + token);
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const socket = new WebSocket(scheme + location.host + '/panel/ws', protocols);
    ws = socket;
    let opened = false;
    socket.onopen = () => { opened = true; };
    socket.onmessage = (event) => {
      let msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      onMessage(msg);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      connected = false;
      window.lcPanel.connected = false;
      if (event.code === 4401) {
        token = null;
        hello = null;
        showPair('', t('pair_revoked'));
        return;
      }
      setConn('lost');
      if (!opened) {
        // refused at the handshake: not paired (or revoked), or the console is away
        fetch('session', { credentials: 'same-origin' })
          .then((r) => r.json())
          .then((s) => {
            if (!s.paired && !token) showPair('', t('pair_needed'));
            else retry();
          })
          .catch(retry);
        return;
      }
      retry();
    };
  }

  function retry() {
    const delay = RETRY[Math.min(attempt, RETRY.length - 1)];
    attempt += 1;
    retryTimer = setTimeout(connect, delay);
  }

  function onMessage(msg) {
    if (msg.type === 'hello') {
      hello = msg;
      connected = true;
      attempt = 0;
      window.lcPanel.connected = true;
      $('role').hidden = false;
      $('role').textContent = t('role_' + msg.role) + ' · ' + msg.device;
      $('role').dataset.role = msg.role;
      setConn('live');
    } else if (msg.type === 'state') {
      state = msg;
      receivedAt = Date.now();
      window.lcPanel.rev = msg.rev;
      $('pair').hidden = true;
      $('panel').hidden = false;
      render();
    } else if (msg.type === 'result') {
      const done = pending.get(msg.id);
      pending.delete(msg.id);
      if (done) done.disabled = false;
      window.lcPanel.results.push(msg);
      if (!msg.ok) toast(t('refused') + ': ' + (msg.reason || ''));
    } else if (msg.type === 'error') {
      toast(msg.reason || 'error');
    }
  }

  function send(action, args, source) {
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      toast(t('conn_lost'));
      return;
    }
    const id = nextId++;
    if (source) {
      source.disabled = true;
      pending.set(id, source);
    }
    ws.send(JSON.stringify({ type: 'action', action: action, args: args || {}, id: id }));
  }

  function onClick(event) {
    const b = event.target.closest('[data-act]');
    if (!b || b.disabled) return;
    const action = b.dataset.act;
    const args = b.dataset.args ? JSON.parse(b.dataset.args) : {};
    if (action === 'stop_stream' && !window.confirm(t('confirm_stop'))) return;
    if (action === 'start_stream' && !window.confirm(t('confirm_start'))) return;
    if (action === 'close_lottery' && b.dataset.early === '1') {
      const reason = window.prompt(t('close_reason'), '');
      if (reason === null) return;
      args.reason = reason;
    }
    send(action, args, b);
  }

  // ---- rendering
  const TABS = [
    ['products', 'tab_products', (s) => s.products],
    ['promos', 'tab_promos', (s) => s.coupons || s.flash_sales],
    ['games', 'tab_games', (s) => s.lotteries || s.polls],
    ['chat', 'tab_chat', (s) => s.chat],
    ['numbers', 'tab_numbers', (s) => s.numbers],
    ['rundown', 'tab_rundown', (s) => s.rundown],
  ];

  function render() {
    if (!state) return;
    renderNow();
    const tabs = $('tabs');
    const shown = TABS.filter((entry) => entry[2](state));
    if (!shown.some((entry) => entry[0] === tab)) tab = shown.length ? shown[0][0] : null;
    tabs.replaceChildren();
    shown.forEach((entry) => {
      const b = el('button', 'tab' + (entry[0] === tab ? ' active' : ''), t(entry[1]));
      b.type = 'button';
      b.dataset.tab = entry[0];
      tabs.appendChild(b);
    });
    tabs.hidden = shown.length < 2;
    document.body.classList.toggle('with-tabs', shown.length >= 2);
    const view = $('view');
    view.replaceChildren();
    const draw = { products: viewProducts, promos: viewPromos, games: viewGames, chat: viewChat,
      numbers: viewNumbers, rundown: viewRundown }[tab];
    if (draw) draw(view);
  }

  function renderNow() {
    const box = $('now');
    box.replaceChildren();
    const head = el('div', 'row');
    head.appendChild(el('span', 'label', t('now_on_show')));
    const live = state.show && state.show.live;
    head.appendChild(el('span', 'pill ' + (live ? 'pill-live' : 'pill-off'), live ? t('live') : t('offline')));
    box.appendChild(head);
    const title = state.show && state.show.pinned_title;
    box.appendChild(el('div', 'now-title', title || t('nothing_pinned')));
    const sales = state.flash_sales || [];
    sales.forEach((s) => {
      const line = el('div', 'row flash');
      line.appendChild(el('span', 'flash-price', s.price));
      line.appendChild(el('span', 'muted', t('left') + ' ' + s.left));
      line.appendChild(countdown(s.ends_at));
      box.appendChild(line);
    });
  }

  function section(parent, title) {
    const card = el('div', 'card');
    card.appendChild(el('h2', '', title));
    parent.appendChild(card);
    return card;
  }

  function viewProducts(view) {
    const card = section(view, t('tab_products'));
    (state.products || []).forEach((p) => {
      const item = el('div', 'item' + (p.pinned ? ' is-pinned' : ''));
      item.dataset.product = p.id;
      const text = el('div', 'item-text');
      text.appendChild(el('div', 'item-title', p.title));
      text.appendChild(el('div', 'muted', p.price + ' · ' + t('stock') + ' ' + p.stock + ' · ' + t('sold') + ' ' + p.sold));
      item.appendChild(text);
      const actions = el('div', 'item-actions');
      if (p.pinned) actions.appendChild(button(t('unpin'), 'unpin_product', {}, 'on'));
      else actions.appendChild(button(t('pin'), 'pin_product', { product_id: p.id }, 'primary'));
      item.appendChild(actions);
      if (can('adjust_stock')) {
        const more = el('div', 'item-more');
        more.appendChild(button(t('stock_minus'), 'adjust_stock', { product_id: p.id, delta: -10, reason: 'panel' }, 'ghost small'));
        more.appendChild(button(t('stock_plus'), 'adjust_stock', { product_id: p.id, delta: 10, reason: 'panel' }, 'ghost small'));
        item.appendChild(more);
      }
      card.appendChild(item);
    });
  }

  function templates(card, list, action) {
    if (!list || !list.length || !can(action)) return;
    const row = el('div', 'chips');
    list.forEach((tpl) => row.appendChild(button(tpl.title, action, { template: tpl.id }, 'chip')));
    card.appendChild(el('div', 'label', t('templates')));
    card.appendChild(row);
  }

  function viewPromos(view) {
    const coupons = section(view, t('coupons'));
    if (!(state.coupons || []).length) coupons.appendChild(el('p', 'muted', t('no_active')));
    (state.coupons || []).forEach((c) => {
      const item = el('div', 'item');
      const text = el('div', 'item-text');
      text.appendChild(el('div', 'item-title', c.label + (c.title && c.title !== c.label ? ' · ' + c.title : '')));
      const sub = el('div', 'muted', t('left') + ' ' + c.left + '/' + c.quantity + ' ');
      if (c.ends_at) sub.appendChild(countdown(c.ends_at));
      text.appendChild(sub);
      item.appendChild(text);
      const actions = el('div', 'item-actions');
      actions.appendChild(button(t('stop'), 'stop_coupon', { coupon_id: c.id }, 'danger'));
      item.appendChild(actions);
      coupons.appendChild(item);
    });
    templates(coupons, state.templates && state.templates.coupons, 'launch_coupon');

    const flash = section(view, t('flash_sales'));
    if (!(state.flash_sales || []).length) flash.appendChild(el('p', 'muted', t('no_active')));
    (state.flash_sales || []).forEach((s) => {
      const item = el('div', 'item');
      const text = el('div', 'item-title-wrap item-text');
      text.appendChild(el('div', 'item-title', s.title));
      const sub = el('div', 'muted', s.price + ' · ' + t('left') + ' ' + s.left + ' · ');
      sub.appendChild(countdown(s.ends_at));
      text.appendChild(sub);
      item.appendChild(text);
      const actions = el('div', 'item-actions');
      actions.appendChild(button(t('stop'), 'stop_flash_sale', { sale_id: s.id }, 'danger'));
      item.appendChild(actions);
      flash.appendChild(item);
    });
    templates(flash, state.templates && state.templates.flash_sales, 'start_flash_sale');
  }

  function viewGames(view) {
    const lots = section(view, t('lotteries'));
    const now = serverNow();
    (state.lotteries || []).slice().reverse().forEach((l) => {
      const item = el('div', 'item column');
      const head = el('div', 'row');
      head.appendChild(el('span', 'item-title', l.prize));
      head.appendChild(el('span', 'pill', t('phase_' + l.phase)));
      item.appendChild(head);
      item.appendChild(el('div', 'muted', l.how_to_enter + ' · ' + t('entrants') + ' ' + l.entrants));
      if (l.phase === 'announced' || l.phase === 'open') {
        const sub = el('div', 'muted', t('ends_in') + ' ');
        sub.appendChild(countdown(l.closes_at));
        item.appendChild(sub);
      }
      const commit = el('div', 'commit');
      commit.appendChild(el('span', 'label', t('commitment')));
      commit.appendChild(el('code', 'hash', l.seed_hash));
      item.appendChild(commit);
      if (l.winners && l.winners.length) item.appendChild(el('div', 'winners', t('winners') + ': ' + l.winners.join('、')));
      const actions = el('div', 'item-actions');
      if (l.phase === 'announced' || l.phase === 'open') {
        const b = button(t('close'), 'close_lottery', { lottery_id: l.id }, 'danger');
        if (now < l.closes_at) b.dataset.early = '1';
        actions.appendChild(b);
      }
      if (l.phase === 'closed') actions.appendChild(button(t('draw'), 'draw_lottery', { lottery_id: l.id }, 'primary'));
      item.appendChild(actions);
      lots.appendChild(item);
    });
    templates(lots, state.templates && state.templates.lotteries, 'open_lottery');

    const polls = section(view, t('polls'));
    (state.polls || []).slice().reverse().forEach((p) => {
      const item = el('div', 'item column');
      item.appendChild(el('div', 'item-title', p.question));
      const total = p.counts.reduce((a, b) => a + b, 0) || 1;
      p.options.forEach((option, i) => {
        const line = el('div', 'bar-line');
        const fill = el('div', 'bar-fill');
        fill.style.width = Math.round((100 * p.counts[i]) / total) + '%';
        line.appendChild(fill);
        line.appendChild(el('span', 'bar-text', option + ' · ' + p.counts[i] + ' ' + t('votes')));
        item.appendChild(line);
      });
      if (p.active) {
        const actions = el('div', 'item-actions');
        if (p.ends_at) actions.appendChild(countdown(p.ends_at));
        actions.appendChild(button(t('stop'), 'stop_poll', { poll_id: p.id }, 'danger'));
        item.appendChild(actions);
      }
      polls.appendChild(item);
    });
    templates(polls, state.templates && state.templates.polls, 'start_poll');
  }

  function viewChat(view) {
    const card = section(view, t('chat'));
    const rows = state.chat || [];
    if (!rows.length) card.appendChild(el('p', 'muted', t('no_chat')));
    rows.forEach((c) => {
      const item = el('div', 'item column chat' + (c.hidden ? ' is-hidden' : '') + (c.pinned ? ' is-pinned' : ''));
      item.dataset.seq = String(c.seq);
      const line = el('div', 'chat-line');
      line.appendChild(el('span', 'nick', c.nick));
      line.appendChild(el('span', 'chat-text', c.text));
      item.appendChild(line);
      const tags = el('div', 'tags');
      if (c.hidden) tags.appendChild(el('span', 'pill pill-off', t('hidden')));
      if (c.pinned) tags.appendChild(el('span', 'pill pill-live', t('on_stream')));
      if (c.question) tags.appendChild(el('span', 'pill', t('question')));
      (c.flags || []).forEach((f) => tags.appendChild(el('span', 'pill pill-warn', f)));
      if (tags.childNodes.length) item.appendChild(tags);
      const actions = el('div', 'item-actions');
      if (c.pinned) actions.appendChild(button(t('unpin_comment'), 'unpin_comment', {}, 'on'));
      else if (!c.hidden) actions.appendChild(button(t('pin_comment'), 'pin_comment', { seq: c.seq }, 'primary'));
      if (!c.hidden) actions.appendChild(button(t('hide'), 'hide_comment', { seq: c.seq }, ''));
      if (c.user_key) actions.appendChild(button(t('block'), 'block_user', { seq: c.seq }, 'danger'));
      item.appendChild(actions);
      card.appendChild(item);
    });
  }

  function stat(grid, label, value, key) {
    const cell = el('div', 'stat');
    cell.dataset.stat = key;
    cell.appendChild(el('div', 'stat-value', value));
    cell.appendChild(el('div', 'stat-label', label));
    grid.appendChild(cell);
  }

  function viewNumbers(view) {
    const n = state.numbers || {};
    const card = section(view, t('tab_numbers'));
    const grid = el('div', 'stats');
    stat(grid, t('viewers'), n.viewers, 'viewers');
    stat(grid, t('orders'), n.orders, 'orders');
    stat(grid, t('gmv'), n.gmv, 'gmv');
    stat(grid, t('conversion'), n.conversion === null || n.conversion === undefined ? '—' : n.conversion + '%', 'conversion');
    stat(grid, t('peak'), n.peak_viewers, 'peak');
    stat(grid, t('comments_per_min'), n.comments_per_min, 'cpm');
    card.appendChild(grid);
    if (state.health) {
      const h = state.health;
      const hc = section(view, t('health'));
      const grid2 = el('div', 'stats');
      stat(grid2, t('health_state'), t('state_' + h.state), 'state');
      stat(grid2, t('bitrate'), h.bitrate_kbps === null ? '—' : Math.round(h.bitrate_kbps) + ' kbps', 'bitrate');
      stat(grid2, t('drops'), h.drops, 'drops');
      stat(grid2, t('reconnects'), h.reconnects, 'reconnects');
      hc.appendChild(grid2);
    }
    if (can('stop_stream') || can('start_stream')) {
      const sc = section(view, t('stream'));
      const live = state.stream && state.stream.live;
      sc.appendChild(live ? button(t('stop_stream'), 'stop_stream', {}, 'danger wide')
        : button(t('start_stream'), 'start_stream', {}, 'primary wide'));
    }
  }

  function viewRundown(view) {
    const r = state.rundown;
    const card = section(view, t('rundown'));
    if (r.index < 0) {
      card.appendChild(el('p', 'muted', t('not_started')));
      if (r.next) card.appendChild(el('div', 'muted', t('next') + ': ' + r.next));
    } else {
      const head = el('div', 'row');
      head.appendChild(el('span', 'item-title', (r.index + 1) + '/' + r.count + ' · ' + r.title));
      head.appendChild(el('span', 'muted', t('elapsed') + ' ' + clock(serverNow() - r.started_at) + (r.planned_s ? ' / ' + clock(r.planned_s) : '')));
      card.appendChild(head);
      if (r.next) card.appendChild(el('div', 'muted', t('next') + ': ' + r.next));
    }
    const actions = el('div', 'item-actions');
    actions.appendChild(button(t('advance'), 'advance_rundown', {}, 'primary wide'));
    card.appendChild(actions);
    if (r.teleprompter && r.teleprompter.length) {
      const tp = section(view, t('teleprompter'));
      const box = el('div', 'prompter');
      r.teleprompter.forEach((line) => box.appendChild(el('p', '', line)));
      tp.appendChild(box);
    }
  }

  // ---- start
  window.lcPanel = {
    connected: false,
    rev: 0,
    results: [],
    state: () => state,
    role: () => (hello ? hello.role : null),
  };

  async function boot() {
    try {
      strings = await (await fetch('strings.json')).json();
    } catch (e) {
      strings = {};
    }
    const saved = localStorage.getItem('lc-panel-lang');
    const nav = (navigator.language || 'en').toLowerCase();
    lang = saved || (nav.indexOf('zh') === 0 ? 'zh' : 'en');
    $('lang').addEventListener('click', () => {
      lang = lang === 'zh' ? 'en' : 'zh';
      localStorage.setItem('lc-panel-lang', lang);
      applyLang();
    });
    $('tabs').addEventListener('click', (event) => {
      const b = event.target.closest('[data-tab]');
      if (!b) return;
      tab = b.dataset.tab;
      render();
    });
    $('main').addEventListener('click', onClick);
    $('pair-form').addEventListener('submit', pair);
    applyLang();
    setInterval(tickCountdowns, 1000);
    const match = location.hash.match(/code=(\d{6})/);
    if (match) {
      showPair(match[1]);
      return;
    }
    let session = { paired: false };
    try {
      session = await (await fetch('session', { credentials: 'same-origin' })).json();
    } catch (e) { /* the console is away: try the socket anyway */ session = { paired: true }; }
    if (session.paired) connect();
    else showPair('', '');
  }

  document.addEventListener('DOMContentLoaded', boot);
})();
