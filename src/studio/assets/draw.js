// Drawing shared by the studio and its replays: the town, the legend and line charts.
// Plain Canvas 2D, no framework. Colours: loneliness on viridis reversed (yellow = not
// lonely, dark purple = very lonely); marks in Okabe–Ito (vermillion: a life event, blue:
// support groups).
"use strict";
const Draw = (() => {
  const VIRIDIS = [[0x44,0x01,0x54],[0x48,0x25,0x76],[0x41,0x44,0x87],[0x35,0x60,0x8D],
    [0x2A,0x78,0x8E],[0x21,0x90,0x8C],[0x22,0xA8,0x84],[0x43,0xBF,0x71],[0x7A,0xD1,0x51],
    [0xBB,0xDF,0x27],[0xFD,0xE7,0x25]];
  const OI = { black: "#000000", orange: "#E69F00", sky: "#56B4E9", green: "#009E73",
    yellow: "#F0E442", blue: "#0072B2", vermillion: "#D55E00", pink: "#CC79A7" };
  // Flag bits (src/studio/story.rs).
  const AFFECTED = 1, ACTIVE = 2, IN_SUPPORT = 4, STRUCK_NOW = 8, RESIGNED = 16;
  const BINS = 32;

  function lonelyRGB(l) {
    const t = 1 - Math.min(1, Math.max(0, isFinite(l) ? l : 0));
    const pos = t * (VIRIDIS.length - 1);
    const k = Math.min(VIRIDIS.length - 2, Math.floor(pos));
    const f = pos - k, a = VIRIDIS[k], b = VIRIDIS[k + 1];
    return [0, 1, 2].map(j => Math.round(a[j] + (b[j] - a[j]) * f));
  }
  const BIN_COLOURS = [];
  for (let b = 0; b < BINS; b++) {
    const c = lonelyRGB((b + 0.5) / BINS);
    BIN_COLOURS.push(`rgb(${c[0]},${c[1]},${c[2]})`);
  }

  // Fits a canvas's backing store to its displayed size (crisp on any screen).
  function fit(canvas) {
    const r = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(10, Math.round(r.width * dpr)), h = Math.max(10, Math.round(r.height * dpr));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return { ctx, w: r.width, h: r.height };
  }

  // The square the town is drawn in, inside a w × h area.
  function square(w, h) {
    const side = Math.max(10, Math.min(w, h) - 16);
    return { x0: (w - side) / 2, y0: (h - side) / 2, side };
  }

  function radius(n, side) {
    return Math.max(1.3, Math.min(6, 0.42 * side / Math.sqrt(Math.max(1, n))));
  }

  // Convex hull (monotone chain) of points [[x, y], ...].
  function hull(pts) {
    if (pts.length < 3) return pts.slice();
    const p = pts.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    const lo = [], up = [];
    for (const q of p) { while (lo.length >= 2 && cross(lo[lo.length - 2], lo[lo.length - 1], q) <= 0) lo.pop(); lo.push(q); }
    for (let i = p.length - 1; i >= 0; i--) { const q = p[i]; while (up.length >= 2 && cross(up[up.length - 2], up[up.length - 1], q) <= 0) up.pop(); up.push(q); }
    up.pop(); lo.pop();
    return lo.concat(up);
  }

  // Draws a town. s: { n, pos: Uint16Array (x, y per person), lon: Uint8Array, flags:
  // Uint8Array, ties: { pairs: Uint32Array, w: Uint8Array } | null, groups: [[members]],
  // recent: Int32Array (week a life event last struck, or -1) | null, week, selected }.
  function town(canvas, s) {
    const { ctx, w, h } = fit(canvas);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, w, h);
    if (!s || !s.n) return null;
    const sq = square(w, h);
    const X = i => sq.x0 + (s.pos[2 * i] / 65535) * sq.side;
    const Y = i => sq.y0 + (s.pos[2 * i + 1] / 65535) * sq.side;
    const r = radius(s.n, sq.side);
    // Ties: faint lines, darker for stronger ties (4 classes).
    if (s.ties) {
      const pairs = s.ties.pairs, wt = s.ties.w, m = wt.length;
      const alpha = s.n > 5000 ? 0.5 : 1;
      for (let c = 0; c < 4; c++) {
        ctx.beginPath();
        for (let k = 0; k < m; k++) {
          if ((wt[k] >> 6) !== c) continue;
          const a = pairs[2 * k], b = pairs[2 * k + 1];
          if (a >= s.n || b >= s.n) continue;
          ctx.moveTo(X(a), Y(a)); ctx.lineTo(X(b), Y(b));
        }
        ctx.strokeStyle = `rgba(90,90,90,${(0.12 + 0.1 * c) * alpha})`;
        ctx.lineWidth = 0.7;
        ctx.stroke();
      }
    }
    // Support groups: a meeting place (an outlined circle at the members' centre) with a
    // spoke to each member.
    if (s.groups) {
      for (const g of s.groups) {
        const pts = g.filter(i => i < s.n).map(i => [X(i), Y(i)]);
        if (pts.length === 0) continue;
        const cx = pts.reduce((a, p) => a + p[0], 0) / pts.length, cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
        ctx.beginPath();
        for (const p of pts) { ctx.moveTo(cx, cy); ctx.lineTo(p[0], p[1]); }
        ctx.strokeStyle = "rgba(0,114,178,0.45)"; ctx.lineWidth = 1; ctx.stroke();
        ctx.beginPath(); ctx.arc(cx, cy, Math.max(5, r * 2.4), 0, 2 * Math.PI);
        ctx.fillStyle = "rgba(0,114,178,0.15)"; ctx.fill();
        ctx.strokeStyle = OI.blue; ctx.lineWidth = 2; ctx.stroke();
      }
    }
    // People, one path per colour class.
    const bins = Array.from({ length: BINS }, () => []);
    for (let i = 0; i < s.n; i++) bins[Math.min(BINS - 1, (s.lon[i] * BINS) >> 8)].push(i);
    for (let b = 0; b < BINS; b++) {
      if (!bins[b].length) continue;
      ctx.beginPath();
      for (const i of bins[b]) { const x = X(i), y = Y(i); ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
      ctx.fillStyle = BIN_COLOURS[b];
      ctx.fill();
    }
    // Marks: a dark outline for an active condition, a blue ring in a support group, a
    // vermillion ring for a recent life event.
    ctx.lineWidth = Math.max(1, r * 0.35);
    ctx.beginPath(); ctx.strokeStyle = "#222";
    for (let i = 0; i < s.n; i++) if (s.flags[i] & ACTIVE) { const x = X(i), y = Y(i); ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * Math.PI); }
    ctx.stroke();
    ctx.lineWidth = Math.max(1.4, r * 0.5);
    ctx.beginPath(); ctx.strokeStyle = OI.blue;
    for (let i = 0; i < s.n; i++) if (s.flags[i] & IN_SUPPORT) { const x = X(i), y = Y(i), q = r + 2.2; ctx.moveTo(x + q, y); ctx.arc(x, y, q, 0, 2 * Math.PI); }
    ctx.stroke();
    ctx.lineWidth = Math.max(2, r * 0.6);
    ctx.beginPath(); ctx.strokeStyle = OI.vermillion;
    for (let i = 0; i < s.n; i++) {
      const recent = (s.flags[i] & STRUCK_NOW) || (s.recent && s.recent[i] >= 0 && s.week - s.recent[i] <= 12);
      if (recent) { const x = X(i), y = Y(i), q = r + 5; ctx.moveTo(x + q, y); ctx.arc(x, y, q, 0, 2 * Math.PI); }
    }
    ctx.stroke();
    if (s.selected != null && s.selected < s.n) {
      const x = X(s.selected), y = Y(s.selected);
      ctx.lineWidth = 2.5; ctx.strokeStyle = "#000";
      ctx.beginPath(); ctx.arc(x, y, r + 9, 0, 2 * Math.PI); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(x + r + 9, y); ctx.lineTo(x + r + 16, y); ctx.moveTo(x - r - 9, y); ctx.lineTo(x - r - 16, y);
      ctx.moveTo(x, y + r + 9); ctx.lineTo(x, y + r + 16); ctx.moveTo(x, y - r - 9); ctx.lineTo(x, y - r - 16); ctx.stroke();
    }
    return sq;
  }

  // The person nearest to a click (within a few dot radii), or null.
  function pick(canvas, s, ev) {
    if (!s || !s.n) return null;
    const rect = canvas.getBoundingClientRect();
    const sq = square(rect.width, rect.height);
    const mx = ev.clientX - rect.left, my = ev.clientY - rect.top;
    const r = radius(s.n, sq.side);
    let best = null, bd = Math.max(8, 3 * r) ** 2;
    for (let i = 0; i < s.n; i++) {
      const dx = sq.x0 + (s.pos[2 * i] / 65535) * sq.side - mx, dy = sq.y0 + (s.pos[2 * i + 1] / 65535) * sq.side - my;
      const d = dx * dx + dy * dy;
      if (d < bd) { bd = d; best = i; }
    }
    return best;
  }

  // The legend of the town: the colour scale (with the lonely threshold) and every mark.
  function legend(el, threshold, groups = true) {
    el.innerHTML = "";
    const item = (node, text) => {
      const s = document.createElement("span"); s.className = "item";
      s.appendChild(node); s.appendChild(document.createTextNode(text)); el.appendChild(s);
    };
    const bar = document.createElement("canvas");
    bar.width = 220; bar.height = 34; bar.style.width = "220px"; bar.style.height = "34px";
    const c = bar.getContext("2d");
    for (let x = 0; x < 200; x++) { const rgb = lonelyRGB(x / 199); c.fillStyle = `rgb(${rgb})`; c.fillRect(10 + x, 2, 1, 14); }
    c.fillStyle = "#000"; c.font = "11px sans-serif"; c.textAlign = "center";
    c.fillText("0", 10, 30); c.fillText("1", 210, 30);
    const tx = 10 + threshold * 199;
    c.fillRect(tx - 1, 0, 2, 18); c.fillText(`${threshold.toFixed(2)}`, tx, 30);
    const lab = document.createElement("span"); lab.innerHTML = "<b>Loneliness</b> (0 = none, 1 = most)";
    el.appendChild(lab);
    const s = document.createElement("span"); s.className = "item"; s.appendChild(bar);
    s.appendChild(document.createTextNode(`lonely above ${threshold.toFixed(2)}`)); el.appendChild(s);
    const mark = (draw) => { const m = document.createElement("canvas"); m.width = 26; m.height = 26; m.style.width = "26px"; m.style.height = "26px"; const k = m.getContext("2d"); k.fillStyle = "rgb(33,144,140)"; k.beginPath(); k.arc(13, 13, 5, 0, 7); k.fill(); draw(k); return m; };
    item(mark(k => { k.strokeStyle = "#222"; k.lineWidth = 2; k.beginPath(); k.arc(13, 13, 5, 0, 7); k.stroke(); }), "lives with a condition");
    item(mark(k => { k.strokeStyle = OI.vermillion; k.lineWidth = 3; k.beginPath(); k.arc(13, 13, 10, 0, 7); k.stroke(); }), "life event (last 12 weeks)");
    item(mark(k => { k.strokeStyle = OI.blue; k.lineWidth = 2.5; k.beginPath(); k.arc(13, 13, 8, 0, 7); k.stroke(); }), "in a support group");
    const g = document.createElement("canvas"); g.width = 30; g.height = 22; g.style.width = "30px"; g.style.height = "22px";
    const k = g.getContext("2d"); k.strokeStyle = "rgba(0,114,178,0.45)"; k.lineWidth = 1; k.beginPath(); for (const [x, y] of [[2, 3], [28, 5], [4, 20], [27, 19]]) { k.moveTo(15, 11); k.lineTo(x, y); } k.stroke();
    k.fillStyle = "rgba(0,114,178,0.15)"; k.strokeStyle = OI.blue; k.lineWidth = 2; k.beginPath(); k.arc(15, 11, 5, 0, 7); k.fill(); k.stroke();
    if (groups) item(g, "a support group: meeting place and members");
    const t = document.createElement("canvas"); t.width = 30; t.height = 22; t.style.width = "30px"; t.style.height = "22px";
    const q = t.getContext("2d"); q.strokeStyle = "rgba(110,110,110,0.5)"; q.beginPath(); q.moveTo(2, 18); q.lineTo(28, 4); q.stroke();
    item(t, "a tie (darker = stronger)");
  }

  // A line chart. spec: { title, ylabel, xmax, ymin, ymax (null: fit), percent, series:
  // [{ label, colour, dash, values: [number|null] }], marker: week | null }.
  function chart(canvas, spec) {
    const { ctx, w, h } = fit(canvas);
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, w, h);
    const L = 40, R = 8, T = 20, B = 30 + 14 * Math.ceil(spec.series.filter(s => s.label).length / 2);
    const pw = w - L - R, ph = h - T - B;
    let ymax = spec.ymax, ymin = spec.ymin ?? 0;
    if (ymax == null) {
      let m = 0;
      for (const s of spec.series) for (const v of s.values) if (v != null && isFinite(v) && v > m) m = v;
      ymax = niceMax(m > 0 ? m * 1.1 : 1);
    }
    const xmax = Math.max(1, spec.xmax);
    const px = x => L + (x / xmax) * pw, py = y => T + ph - ((y - ymin) / (ymax - ymin)) * ph;
    ctx.fillStyle = "#111"; ctx.font = "bold 12.5px sans-serif"; ctx.textAlign = "left";
    ctx.fillText(spec.title, 4, 13);
    // Axes and ticks.
    ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1; ctx.font = "11px sans-serif"; ctx.fillStyle = "#333";
    ctx.textAlign = "right";
    for (let k = 0; k <= 4; k++) {
      const y = ymin + (ymax - ymin) * k / 4, yy = py(y);
      ctx.beginPath(); ctx.moveTo(L, yy); ctx.lineTo(L + pw, yy); ctx.strokeStyle = k ? "#eee" : "#999"; ctx.stroke();
      ctx.fillText(spec.percent ? `${Math.round(y * 100)}%` : fmt(y), L - 4, yy + 4);
    }
    ctx.textAlign = "center";
    const xstep = niceStep(xmax / 4);
    for (let x = 0; x <= xmax; x += xstep) ctx.fillText(String(x), px(x), T + ph + 12);
    ctx.fillText("week", L + pw / 2, T + ph + 24);
    ctx.save(); ctx.translate(10, T + ph / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(spec.ylabel, 0, 0); ctx.restore();
    ctx.save();
    ctx.beginPath(); ctx.rect(L, T - 2, pw, ph + 4); ctx.clip();
    for (const s of spec.series) {
      ctx.strokeStyle = s.colour; ctx.lineWidth = s.width || 2; ctx.setLineDash(s.dash ? [5, 3] : []);
      ctx.beginPath(); let on = false;
      s.values.forEach((v, x) => {
        if (v == null || !isFinite(v)) { on = false; return; }
        if (on) ctx.lineTo(px(x), py(v)); else { ctx.moveTo(px(x), py(v)); on = true; }
      });
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (spec.threshold != null) {
      ctx.strokeStyle = "#000"; ctx.setLineDash([2, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(L, py(spec.threshold)); ctx.lineTo(L + pw, py(spec.threshold)); ctx.stroke(); ctx.setLineDash([]);
    }
    if (spec.shade) {
      ctx.fillStyle = "rgba(0,114,178,0.12)";
      spec.shade.forEach((on, x) => { if (on) ctx.fillRect(px(x), T, Math.max(1, pw / xmax), ph); });
    }
    if (spec.marker != null) {
      ctx.strokeStyle = "#D55E00"; ctx.lineWidth = 1.5; ctx.beginPath(); ctx.moveTo(px(spec.marker), T); ctx.lineTo(px(spec.marker), T + ph); ctx.stroke();
    }
    ctx.restore();
    // Legend below, two entries a row.
    ctx.font = "11px sans-serif"; ctx.textAlign = "left";
    spec.series.filter(s => s.label).forEach((s, k) => {
      const x = 6 + (k % 2) * (w / 2), y = T + ph + 38 + 14 * Math.floor(k / 2);
      ctx.strokeStyle = s.colour; ctx.lineWidth = 2; ctx.setLineDash(s.dash ? [5, 3] : []);
      ctx.beginPath(); ctx.moveTo(x, y - 4); ctx.lineTo(x + 18, y - 4); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = "#222"; ctx.fillText(s.label, x + 22, y);
    });
  }
  function niceMax(m) { const e = Math.pow(10, Math.floor(Math.log10(m))); for (const f of [1, 2, 2.5, 5, 10]) if (f * e >= m) return f * e; return 10 * e; }
  function niceStep(s) { const e = Math.pow(10, Math.floor(Math.log10(Math.max(1, s)))); for (const f of [1, 2, 5, 10]) if (f * e >= s) return f * e; return 10 * e; }
  function fmt(y) { return Math.abs(y) >= 10 ? String(Math.round(y)) : (Math.round(y * 100) / 100).toString(); }

  return { OI, AFFECTED, ACTIVE, IN_SUPPORT, STRUCK_NOW, RESIGNED, lonelyRGB, town, pick, legend, chart, fit };
})();
