// belonging studio: the page. Talks to the server's API (docs/STUDIO.md, "Protocol"),
// draws with draw.js. No framework, nothing fetched from elsewhere.
"use strict";
(() => {
  const $ = id => document.getElementById(id);
  const S = {
    info: null, session: null, setup: null, values: {}, source: null, uploaded: null,
    towns: [], pos: null, week: 0, steps: 0, running: false, busy: false,
    selected: null, selTown: 0, metrics: [], frames: 0, rate: null, odd: null,
    lastPerson: 0,
  };
  window.studio = S; // for the browser tests and the curious

  async function api(method, path, body) {
    const r = await fetch(path, {
      method, headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!r.ok) {
      let e; try { e = await r.json(); } catch (_) { e = { error: `${r.status} ${r.statusText}` }; }
      const err = new Error(e.error || "error"); err.problems = e.problems || []; err.status = r.status; throw err;
    }
    const type = r.headers.get("Content-Type") || "";
    return type.includes("json") ? r.json() : r.arrayBuffer();
  }

  // ---- Scenario and controls --------------------------------------------------------
  function scenarioSpec() {
    if (S.source && S.source.ron != null) return { ron: S.source.ron, file: S.source.file };
    return { builtin: S.source ? S.source.builtin : "default" };
  }

  function buildControls() {
    const box = $("controls"); box.innerHTML = "";
    for (const c of S.info.controls) {
      const d = document.createElement("div"); d.className = "control"; d.dataset.path = c.path;
      const id = "ctl-" + c.path.replace(/[^a-z0-9]/gi, "_");
      if (c.kind === "switch") {
        d.innerHTML = `<label class="switch"><input type="checkbox" id="${id}"> ${c.label}</label>`;
      } else if (c.kind === "range") {
        d.innerHTML = `<label for="${id}n">${c.label}</label><div class="row"><input type="range" id="${id}" min="${c.min}" max="${c.max}" step="${c.step}"><input type="number" id="${id}n" step="any"></div>`;
      } else {
        d.innerHTML = `<label for="${id}n">${c.label}</label><div class="row"><input type="number" id="${id}n" step="any"></div>`;
      }
      d.insertAdjacentHTML("beforeend", `<div class="help">${c.help}</div><div class="error" data-error="${c.path}"></div>`);
      box.appendChild(d);
      const range = d.querySelector('input[type=range]'), num = d.querySelector('input[type=number]'), chk = d.querySelector('input[type=checkbox]');
      if (range) range.addEventListener("input", () => { num.value = range.value; changed(); });
      if (num) num.addEventListener("change", () => { if (range) range.value = num.value; changed(); });
      if (chk) chk.addEventListener("change", changed);
    }
  }

  function controlValue(c) {
    const d = document.querySelector(`.control[data-path="${CSS.escape(c.path)}"]`);
    const chk = d.querySelector('input[type=checkbox]');
    if (chk) return chk.checked ? "true" : "false";
    return d.querySelector('input[type=number]').value.trim();
  }

  function setControls(values) {
    S.values = values;
    for (const c of S.info.controls) {
      const d = document.querySelector(`.control[data-path="${CSS.escape(c.path)}"]`);
      const v = values[c.path];
      d.classList.toggle("off", v == null);
      d.querySelectorAll("input").forEach(i => { i.disabled = v == null; });
      if (v == null) continue;
      const chk = d.querySelector('input[type=checkbox]');
      if (chk) chk.checked = !!v;
      const num = d.querySelector('input[type=number]'), range = d.querySelector('input[type=range]');
      if (num) num.value = String(v);
      if (range) range.value = String(v);
    }
  }

  // The overrides: every control whose value differs from the scenario's.
  function overrides() {
    const set = [];
    for (const c of S.info.controls) {
      const v = S.values[c.path];
      if (v == null) continue;
      const now = controlValue(c);
      const given = typeof v === "boolean" ? String(v) : String(v);
      if (now !== given && !(Number(now) === Number(given) && now !== "" && given !== "")) set.push({ path: c.path, value: now });
    }
    return set;
  }

  function compareSpec() {
    if (!$("twotowns").checked) return null;
    const opt = $("comparewhat").selectedOptions[0];
    const [path, value] = opt.value.split("=");
    return { labels: [labelA(opt.value), "B: " + opt.textContent], set: [{ path, value }] };
  }
  function labelA(v) {
    const [path, value] = v.split("=");
    if (path === "support.enabled") return value === "false" ? "A: with support groups" : "A: without support groups";
    return "A: as set";
  }

  function clearErrors() {
    document.querySelectorAll("[data-error]").forEach(e => { e.textContent = ""; });
    document.querySelectorAll(".control.bad").forEach(e => e.classList.remove("bad"));
    $("setuperror").textContent = ""; $("compareerror").textContent = "";
  }

  function showProblems(err, where) {
    let placed = false;
    for (const p of err.problems || []) {
      const box = document.querySelector(`[data-error="${CSS.escape(p.path)}"]`);
      if (box) { box.textContent = p.message; box.closest(".control").classList.add("bad"); placed = true; }
    }
    if (!placed) (where || $("setuperror")).textContent = err.message;
  }

  let checkTimer = null;
  function changed() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 150);
  }
  async function check() {
    clearErrors();
    try {
      await api("POST", "/api/check", { scenario: scenarioSpec(), set: overrides(), compare: compareSpec() });
      $("setup").disabled = false;
      return true;
    } catch (e) {
      if (String(e.message).startsWith("the second town")) showProblems(e, $("compareerror")); else showProblems(e);
      $("setup").disabled = true;
      return false;
    }
  }

  async function chooseScenario() {
    const v = $("scenario").value;
    S.source = v === "__file" ? S.uploaded : { builtin: v };
    clearErrors();
    try {
      const r = await api("POST", "/api/check", { scenario: scenarioSpec(), set: [] });
      setControls(r.values);
      $("setup").disabled = false;
    } catch (e) { showProblems(e); $("setup").disabled = true; }
    showTour();
  }

  function showTour() {
    const name = S.source && S.source.builtin;
    const sc = S.info.scenarios.find(s => s.name === name);
    const t = sc && sc.tour;
    const box = $("tourtext");
    if (!t) { box.innerHTML = `<p class="help">A scenario of your own: press Setup and Run, click a person to read their story.</p>`; return; }
    box.innerHTML = `<p><b>${esc(sc.name)}</b>: ${esc(sc.description)}</p><ol>${t.steps.map(s => `<li>${esc(s)}</li>`).join("")}</ol><p class="question">Ask the class:</p><p>${esc(t.question)}</p>`;
  }

  function esc(s) { return String(s).replace(/[&<>"]/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c])); }

  // ---- Setup, stepping, drawing -----------------------------------------------------
  async function setup() {
    pause();
    clearErrors();
    $("setup").disabled = true; $("setup").textContent = "Setting up…";
    try {
      const r = await api("POST", "/api/setup", {
        scenario: scenarioSpec(), set: overrides(), compare: compareSpec(), replaces: S.session,
      });
      S.session = r.session; S.setup = r; S.week = r.week; S.steps = r.steps;
      S.selected = null; S.metrics = r.towns.map(() => []); S.frames = 0;
      S.towns = r.towns.map(t => ({ label: t.label, n: t.n, lon: null, flags: null, ties: null, groups: [], recent: new Int32Array(t.n).fill(-1), prevFlags: null, support_open: t.support_open }));
      makeTownViews();
      Draw.legend($("legend"), r.threshold);
      $("person").innerHTML = ""; $("personhint").style.display = "";
      await step(0, true);
      for (const b of ["stepbtn", "run", "findstory"]) $(b).disabled = false;
      updateButtons();
    } catch (e) {
      if (String(e.message).startsWith("the second town")) showProblems(e, $("compareerror")); else showProblems(e);
    } finally {
      $("setup").disabled = false; $("setup").textContent = "Setup";
    }
  }

  function makeTownViews() {
    const box = $("towns"); box.innerHTML = "";
    S.towns.forEach((t, k) => {
      const d = document.createElement("div"); d.className = "town";
      d.innerHTML = `<h3>${esc(S.towns.length > 1 ? t.label : (S.setup.name + " — " + t.n.toLocaleString("en") + " people"))}</h3><canvas data-town="${k}"></canvas>`;
      box.appendChild(d);
      const cv = d.querySelector("canvas");
      cv.addEventListener("click", ev => {
        const i = Draw.pick(cv, view(k), ev);
        if (i != null) select(i, k);
      });
      t.canvas = cv;
    });
  }

  function view(k) {
    const t = S.towns[k];
    return { n: t.n, pos: S.pos, lon: t.lon, flags: t.flags, ties: t.ties, groups: t.groups, recent: t.recent, week: S.week, selected: S.selected };
  }

  function drawAll() {
    S.towns.forEach((t, k) => { if (t.lon) Draw.town(t.canvas, view(k)); });
    drawCharts();
    $("week").textContent = `week ${S.week} of ${S.steps}`;
    $("rate").textContent = S.rate ? `${S.rate.toFixed(1)} weeks/s` : "";
  }

  // Decodes a binary frame (src/studio/protocol.rs, encode_frame).
  function decode(buf, withTies) {
    const dv = new DataView(buf);
    const hl = dv.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, hl)));
    let at = 4 + hl; at += (4 - at % 4) % 4;
    const n = S.towns[0].n;
    const pos = new Uint16Array(buf, at, 2 * n); at += 4 * n; at += (4 - at % 4) % 4;
    const towns = [];
    for (let k = 0; k < S.towns.length; k++) {
      const lon = new Uint8Array(buf, at, n); at += n; at += (4 - at % 4) % 4;
      const flags = new Uint8Array(buf, at, n); at += n; at += (4 - at % 4) % 4;
      towns.push({ lon, flags });
    }
    if (withTies) {
      for (let k = 0; k < S.towns.length; k++) {
        const m = dv.getUint32(at, true); at += 4;
        const pairs = new Uint32Array(buf, at, 2 * m); at += 8 * m;
        const w = new Uint8Array(buf, at, m); at += m; at += (4 - at % 4) % 4;
        towns[k].ties = { pairs, w };
      }
    }
    return { header, pos, towns };
  }

  async function step(weeks, withTies) {
    const buf = await api("POST", `/api/session/${S.session}/step`, { weeks, ties: !!withTies });
    const f = decode(buf, withTies);
    S.pos = f.pos; S.week = f.header.week; S.steps = f.header.steps;
    f.towns.forEach((t, k) => {
      const T = S.towns[k];
      // A life event since the last frame: the condition became active (or struck now).
      if (T.flags) for (let i = 0; i < T.n; i++) {
        if ((t.flags[i] & Draw.STRUCK_NOW) || ((t.flags[i] & Draw.ACTIVE) && !(T.flags[i] & Draw.ACTIVE))) T.recent[i] = S.week;
      } else for (let i = 0; i < T.n; i++) if (t.flags[i] & Draw.STRUCK_NOW) T.recent[i] = S.week;
      T.lon = t.lon; T.flags = t.flags;
      if (t.ties) T.ties = t.ties;
      const h = f.header.towns[k];
      T.groups = h.support_groups.map(g => g.members);
      T.support_open = h.support_open;
      for (const row of h.metrics) S.metrics[k].push(row);
    });
    S.frames++;
    drawAll();
    updateButtons();
    if (f.header.done && S.running) pause();
    return f.header;
  }

  function updateButtons() {
    const on = !!S.session;
    $("strike").disabled = !(on && S.selected != null && S.week < S.steps);
    const anyOpen = S.towns.some(t => t.support_open), anyClosed = S.towns.some(t => !t.support_open);
    $("supportclose").disabled = !(on && anyOpen);
    $("supportopen").disabled = !(on && anyClosed && S.setup && S.setup.towns.some(t => t.has_support));
    const save = $("savereplay");
    save.classList.toggle("disabled", !(on && S.week >= 4));
    if (on) save.href = `/api/session/${S.session}/replay.html`;
    $("run").textContent = S.running ? "Pause" : "Run";
    $("run").classList.toggle("running", S.running);
  }

  // Run: ask for the next weeks when the last ones are drawn, paced to the chosen speed.
  async function loop() {
    let last = performance.now(), weeksDone = 0, t0 = last;
    while (S.running) {
      const speed = Number($("speed").value);
      const per = speed > 30 ? Math.ceil(speed / 30) : 1;
      const start = performance.now();
      const withTies = S.frames % 4 === 0;
      try {
        const h = await step(per, withTies);
        weeksDone += h.advanced;
        if (h.done) break;
      } catch (e) { $("actionerror").textContent = e.message; pause(); break; }
      if (S.selected != null && S.week - S.lastPerson >= 4) refreshPerson();
      const now = performance.now();
      if (now - t0 > 1000) { S.rate = weeksDone * 1000 / (now - t0); t0 = now; weeksDone = 0; }
      const wait = per * 1000 / speed - (now - start);
      if (wait > 0) await new Promise(r => setTimeout(r, wait));
      last = now;
    }
    if (!S.running) step(0, true).catch(() => {});
  }
  function run() { if (S.running) { pause(); return; } S.running = true; updateButtons(); loop(); }
  function pause() { S.running = false; updateButtons(); }

  // ---- Charts -------------------------------------------------------------------------
  const CHARTS = [
    { title: "Loneliness, mean", ylabel: "loneliness (0–1)", ymin: 0, ymax: null, lines: [["loneliness_mean", "everyone", "#000"], ["loneliness_mean_affected", "affected", Draw.OI.vermillion], ["loneliness_mean_unaffected", "not affected", Draw.OI.blue]] },
    { title: "Lonely (share above threshold)", ylabel: "lonely (%)", percent: true, ymin: 0, ymax: null, lines: [["loneliness_prevalence", "everyone", "#000"], ["loneliness_prevalence_affected", "affected", Draw.OI.vermillion], ["loneliness_prevalence_unaffected", "not affected", Draw.OI.blue]] },
    { title: "Belonging and its three sources", ylabel: "score (0–1)", ymin: 0, ymax: 1, lines: [["belonging_mean", "belonging", "#000"], ["attachment_mean", "ties", Draw.OI.orange], ["membership_mean", "groups", Draw.OI.green], ["collective_mean", "shared identity", Draw.OI.pink]] },
    { title: "Support groups", ylabel: "count", ymin: 0, ymax: null, lines: [["support_groups", "groups", Draw.OI.blue], ["support_members", "members", Draw.OI.vermillion]] },
  ];
  function makeCharts() {
    const box = $("charts"); box.innerHTML = "";
    CHARTS.forEach((c, k) => { const d = document.createElement("div"); d.className = "chart"; d.innerHTML = `<canvas data-chart="${k}"></canvas>`; box.appendChild(d); c.canvas = d.querySelector("canvas"); });
  }
  function drawCharts() {
    if (!S.info) return;
    const names = S.info.metrics;
    const two = S.metrics.length > 1;
    CHARTS.forEach(c => {
      const series = [];
      S.metrics.forEach((rows, k) => {
        for (const [name, label, colour] of c.lines) {
          const m = names.indexOf(name);
          series.push({ label: k ? "" : label, colour, dash: k === 1, values: rows.map(r => r[m]) });
        }
      });
      if (two) series.push({ label: "dashed: town B", colour: "#555", dash: true, values: [] });
      Draw.chart(c.canvas, {
        title: c.title, ylabel: c.ylabel, xmax: S.steps || 1,
        ymin: c.ymin, ymax: c.ymax, percent: c.percent, series,
      });
    });
  }

  // ---- A person's story ---------------------------------------------------------------
  function select(i, k) {
    S.selected = i; S.selTown = k || 0;
    drawAll(); updateButtons(); refreshPerson();
  }
  async function refreshPerson() {
    if (S.selected == null || !S.session) return;
    S.lastPerson = S.week;
    try {
      const p = await api("GET", `/api/session/${S.session}/person/${S.selected}`);
      renderPerson(p);
    } catch (e) { $("person").textContent = e.message; }
  }
  function renderPerson(p) {
    $("personhint").style.display = "none";
    const k = Math.min(S.selTown, p.towns.length - 1);
    const t = p.towns[k];
    const pct = v => Number(v).toFixed(2);
    const cond = t.condition ? `${t.condition.name.replace(/_/g, " ")} (${t.condition.active ? "active" : "resolved"}, week ${t.event_week})` : "none";
    const groups = t.groups.map(g => g.support ? `<b style="color:${Draw.OI.blue}">support group</b>` : esc(g.kind)).join(", ") || "none";
    const tabs = p.towns.length > 1 ? `<div class="tabs">story in: ${p.towns.map((x, j) => `<button data-t="${j}" class="${j === k ? "on" : ""}">${esc(x.label)}</button>`).join(" ")}</div>` : "";
    const lines = t.story.map(l => `<li class="${l.tag}"><span class="wk">week ${l.week}:</span> ${esc(l.text)} <span class="why">(<a href="#" data-odd="${l.odd}">ODD ${l.odd}</a>; ${esc(l.source)})</span></li>`).join("");
    $("person").innerHTML = `<h3>Person ${p.person}${p.towns.length > 1 ? " — " + esc(t.label) : ""}</h3>
      <div class="facts">loneliness <b>${pct(t.loneliness)}</b> ${t.loneliness > p.threshold ? "(lonely)" : ""} · belonging <b>${pct(t.belonging)}</b> (ties ${pct(t.attachment)}, groups ${pct(t.membership)}, identity ${pct(t.collective)})<br>
      condition: ${cond}${t.resigned ? " · resigned" : ""}<br>groups: ${groups} · ties: ${t.ties.length}</div>
      <canvas id="personchart"></canvas><p class="caption">dotted line: lonely threshold (${pct(p.threshold)}) · blue band: weeks in a support group${p.towns.length > 1 ? " · dashed: town B" : ""}</p>${tabs}
      <ul class="story" id="story">${lines || '<li>Nothing has happened to this person yet in the recorded weeks.</li>'}</ul>`;
    const series = [];
    p.towns.forEach((x, j) => {
      series.push({ label: "loneliness" + (p.towns.length > 1 ? ` (${j ? "B" : "A"})` : ""), colour: "#440154", dash: j === 1, values: x.series.loneliness.map(v => v / 255) });
      if (j === k) series.push({ label: "belonging" + (p.towns.length > 1 ? ` (${j ? "B" : "A"})` : ""), colour: Draw.OI.orange, dash: j === 1, values: x.series.belonging.map(v => v / 255) });
    });
    Draw.chart($("personchart"), {
      title: "This person over time", ylabel: "score (0–1)", xmax: S.steps, ymin: 0, ymax: 1,
      series, threshold: p.threshold, shade: t.series.flags.map(f => (f & Draw.IN_SUPPORT) !== 0),
    });
    $("person").querySelectorAll("[data-t]").forEach(b => b.addEventListener("click", () => { S.selTown = Number(b.dataset.t); renderPerson(p); }));
    $("person").querySelectorAll("[data-odd]").forEach(a => a.addEventListener("click", ev => { ev.preventDefault(); showOdd(a.dataset.odd); }));
  }

  async function showOdd(section) {
    if (!S.odd) S.odd = await (await fetch("/api/odd")).text();
    const lines = S.odd.split("\n");
    const start = lines.findIndex(l => l.startsWith(`### ${section} `));
    let end = lines.length;
    for (let j = start + 1; j < lines.length; j++) if (/^##/.test(lines[j])) { end = j; break; }
    $("oddtext").innerHTML = `<p class="help">From the model's description (docs/ODD.md), section ${esc(section)}:</p><pre>${esc(start >= 0 ? lines.slice(start, end).join("\n") : "section not found")}</pre>`;
    $("odddialog").showModal();
  }

  // ---- Actions during a run -----------------------------------------------------------
  async function strike() {
    $("actionerror").textContent = "";
    try {
      await api("POST", `/api/session/${S.session}/strike`, { person: S.selected, event: 0 });
      for (const t of S.towns) t.recent[S.selected] = S.week;
      if (!S.running) await step(0, false);
      refreshPerson();
    } catch (e) { $("actionerror").textContent = e.message; }
  }
  async function support(open) {
    $("actionerror").textContent = "";
    try {
      const r = await api("POST", `/api/session/${S.session}/support`, { open });
      $("actionerror").textContent = open ? "Support groups are open." : `Support groups closed (${r.dissolved} dissolved).`;
      if (!S.running) await step(0, false);
    } catch (e) { $("actionerror").textContent = e.message; }
  }
  async function findStory() {
    const r = await api("GET", `/api/session/${S.session}/suggest`);
    if (r.person == null) { $("actionerror").textContent = "Nobody has been struck by a life event yet: run a while."; return; }
    $("actionerror").textContent = r.lost_and_regained ? "" : "No story of regain yet: showing someone struck by a life event.";
    select(r.person, 0);
  }

  // ---- Start --------------------------------------------------------------------------
  async function start() {
    S.info = await api("GET", "/api/info");
    const sel = $("scenario");
    for (const s of S.info.scenarios) { const o = document.createElement("option"); o.value = s.name; o.textContent = s.name; o.title = s.description; sel.appendChild(o); }
    buildControls(); makeCharts();
    if (S.info.start.ron != null) {
      S.uploaded = { ron: S.info.start.ron, file: S.info.start.file };
      const o = document.createElement("option"); o.value = "__file"; o.textContent = "file: " + S.info.start.file; sel.appendChild(o); sel.value = "__file";
    } else sel.value = S.info.start.builtin || "default";
    await chooseScenario();
    sel.addEventListener("change", chooseScenario);
    $("ronfile").addEventListener("change", async ev => {
      const f = ev.target.files[0]; if (!f) return;
      if (f.size > S.info.limits.body_bytes) { $("setuperror").textContent = `${f.name}: larger than ${S.info.limits.body_bytes} bytes`; return; }
      S.uploaded = { ron: await f.text(), file: f.name };
      let o = sel.querySelector('option[value="__file"]');
      if (!o) { o = document.createElement("option"); o.value = "__file"; sel.appendChild(o); }
      o.textContent = "file: " + f.name; sel.value = "__file";
      ev.target.value = "";
      chooseScenario();
    });
    $("setup").addEventListener("click", setup);
    $("stepbtn").addEventListener("click", () => { pause(); step(1, true).catch(e => { $("actionerror").textContent = e.message; }); if (S.selected != null) setTimeout(refreshPerson, 50); });
    $("run").addEventListener("click", run);
    $("speed").addEventListener("input", () => { $("speedout").textContent = $("speed").value; });
    $("strike").addEventListener("click", strike);
    $("supportclose").addEventListener("click", () => support(false));
    $("supportopen").addEventListener("click", () => support(true));
    $("findstory").addEventListener("click", findStory);
    $("twotowns").addEventListener("change", () => { $("compareopts").classList.toggle("hidden", !$("twotowns").checked); changed(); });
    $("comparewhat").addEventListener("change", changed);
    window.addEventListener("resize", drawAll);
    Draw.legend($("legend"), 0.4);
    S.ready = true;
  }
  start().catch(e => { $("setuperror").textContent = "The studio could not start: " + e.message; });
})();
