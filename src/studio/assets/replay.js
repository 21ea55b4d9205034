// The replay player: inflates the inline data (the browser's own DecompressionStream),
// rebuilds each frame from its differences, and plays the town with draw.js.
"use strict";
(async () => {
  const $ = id => document.getElementById(id);
  const M = REPLAY_META, n = M.n;
  window.replay = { ready: false, frame: 0, frames: M.weeks.length };
  try {
    const b64 = document.getElementById("replay-data").textContent.trim();
    const bin = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
    const stream = new Blob([bin]).stream().pipeThrough(new DecompressionStream("deflate"));
    const buf = await new Response(stream).arrayBuffer();
    const dv = new DataView(buf), bytes = new Uint8Array(buf);
    const frames = [];
    let at = 0;
    let lon = new Uint8Array(n), pos = new Uint16Array(2 * n);
    let ties = new Map();
    for (let f = 0; f < M.weeks.length; f++) {
      const l = new Uint8Array(n);
      for (let i = 0; i < n; i++) l[i] = (lon[i] + bytes[at + i]) & 255;
      at += n;
      const flags = bytes.slice(at, at + n); at += n;
      const p = new Uint16Array(2 * n);
      for (let k = 0; k < 2 * n; k++) p[k] = (pos[k] + dv.getUint16(at + 2 * k, true)) & 65535;
      at += 4 * n;
      const added = dv.getUint32(at, true), removed = dv.getUint32(at + 4, true); at += 8;
      ties = new Map(ties);
      for (let k = 0; k < added; k++) { const a = dv.getUint32(at, true), b = dv.getUint32(at + 4, true); at += 8; ties.set(a * 4294967296 + b, [a, b]); }
      for (let k = 0; k < removed; k++) { const a = dv.getUint32(at, true), b = dv.getUint32(at + 4, true); at += 8; ties.delete(a * 4294967296 + b); }
      const pairs = new Uint32Array(2 * ties.size), w = new Uint8Array(ties.size).fill(128);
      let k = 0; for (const [a, b] of ties.values()) { pairs[2 * k] = a; pairs[2 * k + 1] = b; k++; }
      frames.push({ lon: l, flags, pos: p, ties: { pairs, w } });
      lon = l; pos = p;
    }
    Draw.legend($("legend"), M.threshold, false);
    const slider = $("frame");
    slider.max = String(frames.length - 1);
    let cur = 0, playing = false, timer = null;
    // Support groups are not stored; their members are ringed in blue.
    const show = k => {
      cur = k; slider.value = String(k);
      const f = frames[k];
      Draw.town($("town"), { n, pos: f.pos, lon: f.lon, flags: f.flags, ties: f.ties, groups: [], recent: null, week: M.weeks[k], selected: null });
      $("clock").textContent = `week ${M.weeks[k]} of ${M.weeks[M.weeks.length - 1]}`;
      const has = M.mean.some(v => v != null);
      const xs = M.weeks[M.weeks.length - 1] || 1;
      const byWeek = (arr) => { const out = new Array(xs + 1).fill(null); M.weeks.forEach((w, j) => { out[w] = arr[j]; }); for (let w = 1; w <= xs; w++) if (out[w] == null && out[w - 1] != null && !M.weeks.includes(w)) out[w] = null; return out; };
      if (has) Draw.chart($("chart"), { title: "Loneliness in this run (both on 0–1; share 0.1 = 10%)", ylabel: "0–1", xmax: xs, ymin: 0, ymax: null, series: [
        { label: "mean loneliness", colour: "#000", values: fill(byWeek(M.mean)) },
        { label: "share lonely", colour: Draw.OI.vermillion, dash: true, values: fill(byWeek(M.prevalence)) }], marker: M.weeks[k] });
      window.replay.frame = k;
    };
    const fill = a => { let last = null; return a.map(v => { if (v != null) last = v; return v == null ? null : v; }).map((v, j, arr) => v != null ? v : interp(arr, j)); };
    const interp = (a, j) => { let l = j - 1, r = j + 1; while (l >= 0 && a[l] == null) l--; while (r < a.length && a[r] == null) r++; if (l < 0 || r >= a.length) return null; return a[l] + (a[r] - a[l]) * (j - l) / (r - l); };
    slider.addEventListener("input", () => show(Number(slider.value)));
    $("play").addEventListener("click", () => {
      playing = !playing; $("play").textContent = playing ? "Pause" : "Play";
      if (playing) { if (cur >= frames.length - 1) show(0); timer = setInterval(() => { if (cur >= frames.length - 1) { playing = false; $("play").textContent = "Play"; clearInterval(timer); return; } show(cur + 1); }, 150); }
      else clearInterval(timer);
    });
    window.addEventListener("resize", () => show(cur));
    show(0);
    window.replay.ready = true;
  } catch (e) {
    $("error").textContent = "This replay cannot be played in this browser: " + e.message;
  }
})();
