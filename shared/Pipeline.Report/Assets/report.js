/* pipeline report: queue charts, dwell histogram and flow search, drawn from the JSON data island. No libraries. */
(function () {
  'use strict';

  var T0 = performance.now(), timings = {};
  var D;
  try {
    D = JSON.parse(document.getElementById('report-data').textContent);
  } catch (err) {
    var st = document.getElementById('search-status');
    if (st) st.textContent = 'The report data could not be read: ' + err;
    return;
  }
  timings.parse = Math.round(performance.now() - T0);
  // Names and limits come with the data, from the C# that renders the rest of the page.
  var MAX_RESULTS = D.maxResults, TRANSFER = D.transferQueue, RELEASE = D.releaseQueue, STATES = D.states;

  // ---------- helpers ----------
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function token(s) { return String(s || 'none').toLowerCase().replace(/[^a-z0-9_-]/g, '_'); }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function dur(s) {
    s = Math.max(0, Math.round(s));
    if (s < 60) return s + 's';
    if (s < 3600) return s % 60 === 0 ? Math.floor(s / 60) + 'm' : Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor(s % 3600 / 60) + 'm';
    return Math.floor(s / 86400) + 'd ' + Math.floor(s % 86400 / 3600) + 'h';
  }
  function durAxis(s) {
    if (s < 60) return s + 's';
    if (s < 3600) return Math.round(s / 60) + 'm';
    if (s < 86400) return s % 3600 === 0 ? s / 3600 + 'h' : Math.floor(s / 3600) + 'h' + pad(Math.round(s % 3600 / 60));
    return s % 86400 === 0 ? s / 86400 + 'd' : Math.floor(s / 86400) + 'd' + Math.round(s % 86400 / 3600) + 'h';
  }
  function iso(epoch) { return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'); }
  function pad(n) { return n < 10 ? '0' + n : '' + n; }
  function epochOf(isoText) { return isoText ? Date.parse(isoText) / 1000 : null; }
  function pickStep(span, maxTicks, steps) {
    for (var i = 0; i < steps.length; i++) if (span / steps[i] <= maxTicks) return steps[i];
    return steps[steps.length - 1] * Math.ceil(span / maxTicks / steps[steps.length - 1]);
  }
  function niceCount(max) {
    if (max <= 4) return { top: Math.max(1, max), step: 1 };
    var mag = Math.pow(10, Math.floor(Math.log10(max / 4)));
    var steps = [1, 2, 2.5, 5, 10].map(function (m) { return m * mag; });
    var step = pickStep(max, 4, steps.filter(function (s) { return s >= 1 && Number.isInteger(s); }).concat([mag * 10]));
    return { top: Math.ceil(max / step) * step, step: step };
  }
  var AGE_STEPS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 345600, 604800];
  var TIME_STEPS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];
  function timeLabel(t, step) {
    var d = new Date(t * 1000);
    var day = pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
    if (step >= 86400) return day;
    var hm = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    return t % 86400 === 0 ? day + ' ' + hm : hm;
  }

  // ---------- queue charts ----------
  function alertsFor(s) {
    var rel = s.queue === RELEASE;
    return (D.alerts || []).filter(function (a) {
      if (a.appliance === s.appliance && (a.peer == null || a.peer === s.peer)) {
        if (a.kind === 'cpq_queue_stuck') return !rel;
        if (a.kind === 'cpq_release_stuck') return rel;
        return true;
      }
      return !rel && a.appliance === s.peer && a.kind === 'quarantine_unavailable';
    });
  }

  function lastIndexAtOrBefore(ts, t) {
    var lo = 0, hi = ts.length - 1, r = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (ts[mid] <= t) { r = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return r;
  }

  function ageAt(s, i, t) { return s.w[i] > 0 ? s.a[i] + Math.max(0, t - s.t[i]) : s.a[i]; }

  function drawQueue(card, s) {
    var box = card.querySelector('.chart');
    if (!box) return;
    var W = Math.max(320, Math.floor(box.clientWidth || 600)), H = 210;
    var m = { l: 40, r: 54, t: 14, b: 26 };
    var pw = W - m.l - m.r, ph = H - m.t - m.b;
    var n = s.t.length;
    var t0 = D.start != null ? D.start : s.t[0], t1 = D.end != null ? D.end : s.t[n - 1];
    if (n) { t0 = Math.min(t0, s.t[0]); t1 = Math.max(t1, s.t[n - 1]); }
    if (!(t1 > t0)) t1 = t0 + 60;
    function x(t) { return m.l + (t - t0) / (t1 - t0) * pw; }

    var wmax = 0, amax = 0, i;
    for (i = 0; i < n; i++) {
      if (s.w[i] > wmax) wmax = s.w[i];
      var next = i + 1 < n ? s.t[i + 1] : t1;
      var peak = ageAt(s, i, next);
      if (peak > amax) amax = peak;
      if (s.a[i] > amax) amax = s.a[i];
    }
    var wy = niceCount(wmax);
    var astep = pickStep(Math.max(amax, 60), 4, AGE_STEPS), atop = Math.max(60, astep, Math.ceil(Math.max(amax, 1) / astep) * astep);
    function yw(v) { return m.t + ph - v / wy.top * ph; }
    function ya(v) { return m.t + ph - v / atop * ph; }
    function f(v) { return (Math.round(v * 10) / 10).toString(); }

    var out = [];
    out.push('<svg viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="' + H + '" role="img" aria-label="' +
      esc(s.queue + ' ' + s.appliance + ' to ' + (s.peer || '?') + ' backlog') + '">');
    // alert windows
    alertsFor(s).forEach(function (a) {
      var a0 = Math.max(t0, a.opened), a1 = Math.min(t1, a.resolved != null ? a.resolved : t1);
      if (a1 < t0 || a0 > t1) return;
      var xa = x(a0), wd = Math.max(2, x(a1) - xa), sev = a.sev;
      var label = a.kind + ' ' + a.appliance + (a.peer ? ' → ' + a.peer : '') + '\n' + iso(a.opened) + ' → ' + (a.resolved != null ? iso(a.resolved) : 'OPEN');
      out.push('<g class="alert-window" data-kind="' + esc(a.kind) + '"><title>' + esc(label) + '</title>' +
        '<rect class="shade-' + sev + '" x="' + f(xa) + '" y="' + m.t + '" width="' + f(wd) + '" height="' + ph + '"></rect>' +
        '<rect class="shade-' + sev + '-top" x="' + f(xa) + '" y="' + m.t + '" width="' + f(wd) + '" height="3"></rect></g>');
    });
    // grid and axes
    out.push('<g class="axis">');
    for (var v = 0; v <= wy.top + 1e-9; v += wy.step) {
      var yy = f(yw(v));
      out.push('<line class="grid-line" x1="' + m.l + '" x2="' + (W - m.r) + '" y1="' + yy + '" y2="' + yy + '"></line>');
      out.push('<text x="' + (m.l - 6) + '" y="' + yy + '" dy="3.5" text-anchor="end">' + esc(num(v)) + '</text>');
    }
    for (var av = 0; av <= atop + 1e-9; av += astep) {
      out.push('<text x="' + (W - m.r + 6) + '" y="' + f(ya(av)) + '" dy="3.5" text-anchor="start" fill="#c2680a">' + esc(av === 0 ? '0' : durAxis(av)) + '</text>');
    }
    var xstep = pickStep(t1 - t0, Math.max(2, Math.floor(pw / 84)), TIME_STEPS);
    for (var tt = Math.ceil(t0 / xstep) * xstep; tt <= t1; tt += xstep) {
      var xx = f(x(tt));
      out.push('<line class="axis-line" x1="' + xx + '" x2="' + xx + '" y1="' + (m.t + ph) + '" y2="' + (m.t + ph + 4) + '"></line>');
      out.push('<text x="' + xx + '" y="' + (H - 6) + '" text-anchor="middle">' + esc(timeLabel(tt, xstep)) + '</text>');
    }
    out.push('<line class="axis-line" x1="' + m.l + '" x2="' + (W - m.r) + '" y1="' + (m.t + ph) + '" y2="' + (m.t + ph) + '"></line>');
    out.push('</g>');
    if (n > 0) {
      // waiting: a step line (the backlog holds until the next sample) and its area
      var rest = '';
      for (i = 1; i < n; i++) rest += 'H' + f(x(s.t[i])) + 'V' + f(yw(s.w[i]));
      rest += 'H' + f(x(t1));
      var line = 'M' + f(x(s.t[0])) + ',' + f(yw(s.w[0])) + rest;
      var area = 'M' + f(x(s.t[0])) + ',' + f(yw(0)) + 'V' + f(yw(s.w[0])) + rest + 'V' + f(yw(0)) + 'Z';
      out.push('<path class="area-wait" d="' + area + '"></path>');
      out.push('<path class="line-wait" d="' + line + '"></path>');
      // oldest age: grows with time while messages wait, drops when the oldest leaves
      var age = 'M' + f(x(s.t[0])) + ',' + f(ya(s.a[0]));
      for (i = 0; i < n; i++) {
        var tn = i + 1 < n ? s.t[i + 1] : t1;
        age += 'L' + f(x(tn)) + ',' + f(ya(ageAt(s, i, tn)));
        if (i + 1 < n) age += 'L' + f(x(tn)) + ',' + f(ya(s.a[i + 1]));
      }
      out.push('<path class="line-age" d="' + age + '"></path>');
    }
    out.push('<line class="cursor" x1="0" x2="0" y1="' + m.t + '" y2="' + (m.t + ph) + '" visibility="hidden"></line>');
    out.push('<rect class="hover" x="' + m.l + '" y="' + m.t + '" width="' + pw + '" height="' + ph + '" fill="transparent"></rect>');
    out.push('</svg>');
    box.innerHTML = out.join('');
    box.dataset.width = String(W);

    var svg = box.querySelector('svg'), cursor = svg.querySelector('.cursor'), hover = svg.querySelector('.hover');
    var tip = box.querySelector('.tip') || box.appendChild(el('div', 'tip'));
    tip.style.display = 'none';
    var windows = alertsFor(s);
    hover.addEventListener('mousemove', function (ev) {
      var r = svg.getBoundingClientRect();
      var px = (ev.clientX - r.left) * (W / r.width);
      var t = t0 + (px - m.l) / pw * (t1 - t0);
      var k = lastIndexAtOrBefore(s.t, t);
      cursor.setAttribute('x1', f(px)); cursor.setAttribute('x2', f(px)); cursor.setAttribute('visibility', 'visible');
      var html = '<div class="t">' + esc(iso(Math.round(t))) + '</div>';
      if (k < 0) html += 'no samples yet';
      else html += '<b>' + esc(num(s.w[k])) + '</b> waiting · oldest <b>' + esc(s.w[k] > 0 ? dur(ageAt(s, k, t)) : '—') + '</b>';
      windows.forEach(function (a) {
        if (t >= a.opened && (a.resolved == null || t <= a.resolved)) html += '<div>⚠ ' + esc(a.kind) + '</div>';
      });
      tip.innerHTML = html;
      tip.style.display = 'block';
      var left = (ev.clientX - box.getBoundingClientRect().left) + 14;
      if (left + tip.offsetWidth > box.clientWidth) left -= tip.offsetWidth + 28;
      tip.style.left = left + 'px';
      tip.style.top = '8px';
    });
    hover.addEventListener('mouseleave', function () { tip.style.display = 'none'; cursor.setAttribute('visibility', 'hidden'); });
  }

  // The first charts are drawn at once; the rest when they come near the viewport (large estates have hundreds).
  var EAGER_CHARTS = 8, observer = null;
  function drawCard(card) {
    var s = (D.queues || [])[+card.getAttribute('data-series')];
    if (s) drawQueue(card, s);
    card.setAttribute('data-drawn', '1');
  }
  function drawAllQueues(all) {
    var cards = document.querySelectorAll('.queue-chart[data-series]');
    if (observer) { observer.disconnect(); observer = null; }
    if (!all && cards.length > EAGER_CHARTS && 'IntersectionObserver' in window) {
      observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          observer.unobserve(e.target);
          drawCard(e.target);
        });
      }, { rootMargin: '600px 0px' });
    }
    for (var i = 0; i < cards.length; i++) {
      if (observer && i >= EAGER_CHARTS) { cards[i].removeAttribute('data-drawn'); observer.observe(cards[i]); }
      else drawCard(cards[i]);
    }
  }
  window.addEventListener('beforeprint', function () { drawAllQueues(true); });

  // ---------- dwell histogram ----------
  function drawDwell() {
    var box = document.getElementById('dwell-chart');
    if (!box || !D.dwell || !D.dwell.count) return;
    var b = D.dwell.buckets, W = Math.max(260, Math.floor(box.clientWidth || 400)), H = 150;
    var m = { l: 6, r: 6, t: 16, b: 22 }, pw = W - m.l - m.r, ph = H - m.t - m.b;
    var max = Math.max.apply(null, b.map(function (x) { return x[1]; })) || 1;
    var bw = pw / b.length, out = [];
    out.push('<svg viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="' + H + '" role="img" aria-label="dwell time histogram">');
    out.push('<line class="axis-line" x1="' + m.l + '" x2="' + (W - m.r) + '" y1="' + (m.t + ph) + '" y2="' + (m.t + ph) + '"></line>');
    b.forEach(function (x, i) {
      var h = x[1] / max * ph, bx = m.l + i * bw + 3, y = m.t + ph - h;
      out.push('<g class="bar"><title>' + esc(x[0] + ': ' + num(x[1])) + '</title>');
      out.push('<rect x="' + bx.toFixed(1) + '" y="' + y.toFixed(1) + '" width="' + Math.max(1, bw - 6).toFixed(1) + '" height="' + Math.max(x[1] > 0 ? 1.5 : 0, h).toFixed(1) + '" rx="2" fill="#8b5cf6"></rect>');
      if (x[1] > 0) out.push('<text x="' + (bx + (bw - 6) / 2).toFixed(1) + '" y="' + (y - 4).toFixed(1) + '" text-anchor="middle">' + esc(num(x[1])) + '</text>');
      out.push('<text x="' + (bx + (bw - 6) / 2).toFixed(1) + '" y="' + (H - 6) + '" text-anchor="middle">' + esc(x[0]) + '</text></g>');
    });
    out.push('</svg>');
    box.innerHTML = out.join('');
  }

  // ---------- search ----------
  // The flows island can be large: it is parsed at the first search, not at load.
  var FLOWS = null, index = null;
  function flows() {
    if (FLOWS) return FLOWS;
    var t = performance.now();
    try {
      FLOWS = JSON.parse(document.getElementById('report-flows').textContent);
    } catch (err) {
      FLOWS = [];
      document.getElementById('search-status').textContent = 'The flow data could not be read: ' + err;
    }
    timings.flows = Math.round(performance.now() - t);
    return FLOWS;
  }
  function buildIndex() {
    index = flows().map(function (f) {
      return {
        msgid: (f.msgid || '').toLowerCase(),
        from: (f.from || '').toLowerCase(),
        to: (f.to || []).join('\n').toLowerCase()
      };
    });
  }

  function hasHop(f, app, mid) {
    var i, h;
    for (i = 0; i < f.hops.length; i++) {
      h = f.hops[i];
      if (h[2] === mid && (app == null || h[0].toLowerCase() === app)) return true;
    }
    var c = f.cpq;
    if (!c) return false;
    function same(a) { return app == null || (a || '').toLowerCase() === app; }
    return (c.esa_mid === mid && same(c.esa)) || (c.sma_mid === mid && same(c.sma)) || (c.release_esa_mid === mid && same(c.esa));
  }

  function find(q) {
    var all = flows();
    var hits = [], exact = [];
    var m = /^([A-Za-z0-9._-]*[A-Za-z_-][A-Za-z0-9._-]*)\s*(?::|\s)\s*(?:mid\s*)?(\d+)$/i.exec(q);
    if (!m && /^(?:mid\s*)?\d+$/i.test(q)) m = [q, null, q.replace(/\D/g, '')];
    if (m) {
      var app = m[1] == null ? null : m[1].toLowerCase(), mid = parseInt(m[2], 10);
      for (var i = 0; i < all.length; i++) if (hasHop(all[i], app, mid)) hits.push(i);
      if (hits.length || app == null) return hits;
    }
    if (!index) buildIndex();
    var ql = q.toLowerCase().replace(/^["'<\s]+|["'>\s]+$/g, '');
    if (!ql) return hits;
    for (var j = 0; j < index.length; j++) {
      var x = index[j];
      if (x.msgid === ql || all[j].id.toLowerCase() === ql) exact.push(j);
      else if (x.msgid.indexOf(ql) >= 0 || x.from.indexOf(ql) >= 0 || x.to.indexOf(ql) >= 0) hits.push(j);
    }
    return exact.concat(hits);
  }

  var OUTCOME_STATE = { transferred: 'quarantined' };
  function stateBadge(state) {
    var s = OUTCOME_STATE[state] || state;
    return el('span', 'badge ' + (STATES.indexOf(s) >= 0 ? 'st-' + s : 'outcome-other'), String(state || '?').replace(/_/g, ' '));
  }

  function step(parent, label, time, extra, pending) {
    var sp = el('span', 'cpq-step' + (pending ? ' pending' : ''));
    sp.appendChild(el('span', 'k', label));
    if (time) sp.appendChild(el('time', null, time));
    if (extra) sp.appendChild(document.createTextNode(' ' + extra));
    parent.appendChild(sp);
  }

  function renderFlow(f) {
    var card = el('div', 'flow-result st-' + token(f.st));
    card.setAttribute('data-flow-id', f.id);
    var head = el('div', 'fr-head');
    head.appendChild(stateBadge(f.st));
    head.appendChild(el('span', 'fr-subj', f.subj ? f.subj : '(no subject)'));
    if (f.msgid) head.appendChild(el('span', 'fr-msgid', '<' + f.msgid + '>'));
    card.appendChild(head);

    var meta = el('div', 'fr-meta');
    var to = f.to || [];
    meta.appendChild(el('span', null, (f.from || '—') + ' → ' + (to.length ? to.slice(0, 3).join(', ') + (to.length > 3 ? ' +' + (to.length - 3) + ' more' : '') : '—')));
    if (f.size != null) meta.appendChild(el('span', null, num(f.size) + ' bytes'));
    var s0 = epochOf(f.start), s1 = epochOf(f.end);
    meta.appendChild(el('span', 'mono', (f.start || '?') + ' → ' + (f.end || 'not finished') + (s1 != null ? '  (' + dur(s1 - s0) + ')' : '')));
    meta.appendChild(el('span', 'mono muted', 'flow ' + f.id));
    if (f.partial) meta.appendChild(el('span', 'warn-text', 'began before the logs'));
    card.appendChild(meta);

    var hops = el('div', 'hops');
    var prevEnd = null;
    f.hops.forEach(function (h, i) {
      if (i > 0) {
        var gap = el('div', 'hop-gap');
        gap.appendChild(el('span', 'arrow', '→'));
        var hs = epochOf(h[3]);
        if (prevEnd != null && hs != null) gap.appendChild(el('span', null, '+' + dur(hs - prevEnd)));
        hops.appendChild(gap);
      }
      var hop = el('div', 'hop' + (h[1] === 'sma' ? ' role-sma-hop' : ''));
      hop.setAttribute('data-appliance', h[0]);
      hop.setAttribute('data-mid', String(h[2]));
      var hh = el('div', 'hop-head');
      hh.appendChild(el('span', 'role role-' + token(h[1]), String(h[1] || '?').toUpperCase()));
      hh.appendChild(el('span', 'hop-app', h[0]));
      hh.appendChild(el('span', 'hop-mid', 'MID ' + h[2]));
      hop.appendChild(hh);
      var hs0 = epochOf(h[3]), he = epochOf(h[4]);
      hop.appendChild(el('div', 'hop-time', h[3]));
      var endText = h[4] ? (h[4].slice(0, 10) === String(h[3]).slice(0, 10) ? h[4].slice(11) : h[4]) + '  (' + dur(he - hs0) + ')' : 'still open';
      hop.appendChild(el('div', 'hop-time', '→ ' + endText));
      var oc = el('div', 'hop-outcome');
      oc.appendChild(stateBadge(h[5]));
      hop.appendChild(oc);
      hops.appendChild(hop);
      prevEnd = he != null ? he : hs0;
    });
    card.appendChild(hops);

    var c = f.cpq;
    if (c) {
      var leg = el('div', 'cpq-leg');
      var title = el('div');
      title.appendChild(el('span', 'cpq-title', c.kind === 'spam' ? 'Spam quarantine' : 'Centralized quarantine' + (c.quarantine ? ' "' + c.quarantine + '"' : '')));
      title.appendChild(el('span', 'mono', (c.esa || 'ESA') + (c.esa_mid != null ? ' MID ' + c.esa_mid : '') + '  ⇄  ' + (c.sma || 'SMA') + (c.sma_mid != null ? ' MID ' + c.sma_mid : '')));
      leg.appendChild(title);
      var steps = el('div', 'cpq-steps');
      var en = epochOf(c.enqueued), tr = epochOf(c.transferred), re = epochOf(c.released), de = epochOf(c.deleted), rt = epochOf(c.returned);
      if (c.enqueued) step(steps, 'enqueued', c.enqueued);
      if (c.transferred) step(steps, 'transferred', c.transferred, en != null ? '(waited ' + dur(tr - en) + ')' : null);
      else if (f.st === 'in_transfer') step(steps, 'waiting in ' + TRANSFER, null, null, true);
      if (c.released) step(steps, 'released', c.released, (c.release_reason ? '(' + c.release_reason + ')' : '') + (tr != null ? ' after ' + dur(re - tr) : ''));
      if (c.deleted) step(steps, 'deleted', c.deleted, tr != null ? 'after ' + dur(de - tr) : null);
      if (c.returned || c.release_esa_mid != null) step(steps, 'back on ' + (c.esa || 'ESA') + (c.release_esa_mid != null ? ' as MID ' + c.release_esa_mid : ''), c.returned, re != null && rt != null ? '(+' + dur(rt - re) + ')' : null);
      else if (c.released) step(steps, 'waiting in ' + RELEASE, null, null, true);
      if (!c.released && !c.deleted && c.transferred && f.st === 'quarantined') step(steps, 'held', null, null, false);
      leg.appendChild(steps);
      card.appendChild(leg);
    }
    if (f.parent || (f.edges && f.edges.length) || f.err) {
      var ex = el('div', 'fr-extra');
      if (f.parent) ex.appendChild(el('div', null, 'parent: ' + (f.parent.kind || 'link') + ' of ' + (f.parent.hop || '?') + (f.parent.id ? ' (flow ' + f.parent.id + ')' : '')));
      if (f.edges && f.edges.length) {
        var links = el('div', 'edges');
        links.appendChild(el('span', 'k', 'MID links'));
        f.edges.forEach(function (e) { links.appendChild(el('span', 'edge mono', e[1] + ' → ' + e[2] + ' (' + String(e[0]).replace(/_/g, ' ') + ')')); });
        ex.appendChild(links);
      }
      if (f.err) { var er = el('div', 'err'); er.appendChild(el('span', 'k', 'last error ')); er.appendChild(el('code', null, f.err)); ex.appendChild(er); }
      card.appendChild(ex);
    }
    return card;
  }

  function runSearch(q) {
    q = (q || '').trim();
    var status = document.getElementById('search-status'), results = document.getElementById('search-results');
    results.textContent = '';
    if (!q) { status.textContent = 'Type a Message-ID, an address, or appliance:MID.'; return []; }
    var hits = find(q);
    var shown = hits.slice(0, MAX_RESULTS);
    status.textContent = hits.length === 0
      ? 'No flow matches "' + q + '" among the ' + num(flows().length) + ' embedded flows.'
      : num(hits.length) + (hits.length === 1 ? ' flow matches' : ' flows match') + ' "' + q + '"' + (hits.length > shown.length ? ' — showing the first ' + shown.length : '') + '.';
    var frag = document.createDocumentFragment();
    shown.forEach(function (i) { frag.appendChild(renderFlow(flows()[i])); });
    results.appendChild(frag);
    return shown;
  }

  function searchFor(q, scroll) {
    var input = document.getElementById('search-input');
    input.value = q;
    runSearch(q);
    if (scroll) document.getElementById('search').scrollIntoView();
  }

  var form = document.getElementById('search-form');
  if (form) form.addEventListener('submit', function (ev) { ev.preventDefault(); runSearch(document.getElementById('search-input').value); });
  var quick = document.getElementById('quick-search-form');
  if (quick) quick.addEventListener('submit', function (ev) {
    ev.preventDefault();
    searchFor(document.getElementById('quick-search').value, true);
  });
  document.addEventListener('click', function (ev) {
    var t = ev.target && ev.target.closest ? ev.target.closest('[data-q]') : null;
    if (!t) return;
    ev.preventDefault();
    searchFor(t.getAttribute('data-q'), true);
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter') return;
    var t = ev.target && ev.target.closest ? ev.target.closest('tr[data-q]') : null;
    if (t) searchFor(t.getAttribute('data-q'), true);
  });

  // ---------- alert filter ----------
  var filterBar = document.getElementById('alert-filter');
  if (filterBar) filterBar.addEventListener('click', function (ev) {
    var b = ev.target.closest('button[data-filter]');
    if (!b) return;
    var want = b.getAttribute('data-filter');
    filterBar.querySelectorAll('button').forEach(function (x) { x.classList.toggle('active', x === b); });
    document.querySelectorAll('#alert-list .alert-row').forEach(function (row) {
      var show = want === 'all' || (want === 'open' && row.classList.contains('open')) || want === 'kind:' + row.getAttribute('data-kind');
      row.hidden = !show;
    });
  });

  // ---------- start ----------
  var t1 = performance.now();
  drawAllQueues();
  timings.charts = Math.round(performance.now() - t1);
  drawDwell();
  var lastWidth = window.innerWidth, timer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      drawAllQueues();
      drawDwell();
    }, 150);
  });
  var h = decodeURIComponent((location.hash || '').replace(/^#/, ''));
  if (h.indexOf('q=') === 0) searchFor(h.slice(2), true);
  document.documentElement.setAttribute('data-ready', '1');
  timings.total = Math.round(performance.now() - T0);
  window.pipelineReport = { search: runSearch, data: D, flows: flows, drawAllCharts: function () { drawAllQueues(true); }, timings: timings };
})();
