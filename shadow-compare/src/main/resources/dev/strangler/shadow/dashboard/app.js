// Strangler shadow-diff dashboard: plain JS, no libraries, everything drawn by the page.
// Polls /dashboard/api/overview, renders one card per route, and loads redacted examples
// for the selected field. Evidence is already redacted by the server (HMAC hashes).
"use strict";

const REFRESH_MS = 5000;
const state = { selection: {}, evidence: {}, examples: {} };

function esc(s) {
  return String(s).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
function pct(x) { return (100 * x).toFixed(2) + "%"; }
function time(iso) { return iso ? new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "–"; }
function domId(route) { return "route-" + route.replace(/[^A-Za-z0-9_-]/g, "_"); }

async function getJson(url) {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) {
    let msg = res.status + "";
    try { msg += " " + (await res.json()).error; } catch (e) { /* body was not JSON */ }
    throw new Error(msg);
  }
  return res.json();
}

async function refresh() {
  const windowValue = document.getElementById("window").value;
  const status = document.getElementById("status");
  try {
    const data = await getJson("/dashboard/api/overview?since=" + encodeURIComponent(windowValue));
    await render(data);
    status.textContent = "updated " + time(data.generatedAt) + " · " + data.routes.length + " route(s)";
    status.className = "muted";
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
  } catch (e) {
    status.textContent = "refresh failed: " + e.message;
    status.className = "bad";
  }
}

async function render(data) {
  const main = document.getElementById("routes");
  if (data.routes.length === 0) {
    main.innerHTML = '<p class="empty">No mirrored traffic in this window.</p>';
    return;
  }
  const cards = [];
  for (const r of data.routes) {
    cards.push(await renderRoute(r));
  }
  main.innerHTML = cards.join("");
  for (const r of data.routes) {
    const canvas = document.querySelector("#" + domId(r.route) + " canvas.match-chart");
    drawChart(canvas, r.report.series, Date.parse(data.since), Date.parse(data.generatedAt));
  }
  main.querySelectorAll("tr.selectable").forEach(tr => tr.addEventListener("click", () => {
    state.selection[tr.dataset.route] = { field: tr.dataset.field, id: null };
    refresh();
  }));
  main.querySelectorAll("a.example").forEach(a => a.addEventListener("click", ev => {
    ev.preventDefault();
    state.selection[a.dataset.route].id = Number(a.dataset.id);
    refresh();
  }));
}

function figure(label, value, cls) {
  return '<div class="figure"><span class="label">' + esc(label) + '</span><span class="value ' + (cls || "") + '">' + value + "</span></div>";
}

async function renderRoute(r) {
  const rep = r.report, s = r.stats;
  let figs = "";
  if (s) {
    figs += figure("weight → extracted", (s.weightBps / 100).toFixed(2) + "%");
    figs += figure("traffic split legacy | extracted",
      '<span class="split" title="' + pct(s.targetShare) + ' extracted"><span class="target" style="width:' + (100 * s.targetShare) + '%"></span></span> ' + pct(s.targetShare));
    figs += figure("error rate", pct(s.errorRate), s.errorRate > 0.01 ? "bad" : "good");
    for (const [backend, p99] of Object.entries(s.p99MillisByBackend).sort()) {
      figs += figure("p99 " + backend, '<span class="p99" data-backend="' + esc(backend) + '">' + p99.toFixed(1) + " ms</span>");
    }
  }
  const matchRate = rep.comparisons ? rep.matches / rep.comparisons : 0;
  figs += figure("comparisons", '<span class="comparisons">' + rep.comparisons + "</span>");
  figs += figure("match rate", '<span class="match-rate">' + (rep.comparisons ? pct(matchRate) : "–") + "</span>",
    rep.mismatchRatio > 0 ? "bad" : "good");
  figs += figure("mismatch ratio (noise excluded)", '<span class="mismatch-ratio">' + pct(rep.mismatchRatio) + "</span>");
  figs += figure("shadow timeouts", '<span class="timeouts">' + rep.timeouts + "</span>");
  figs += figure("shadow errors", String(rep.errors));

  const sel = state.selection[r.route] || (state.selection[r.route] = { field: null, id: null });
  if (!sel.field || !rep.topFields.some(f => f.field === sel.field)) {
    sel.field = rep.topFields.length ? rep.topFields[0].field : null;
    sel.id = null;
  }
  const top = rep.topFields.length === 0 ? '<p class="empty">No real differences.</p>' :
    "<table class=\"top-fields\"><tr><th>field</th><th>count</th><th>rate</th><th>kind</th><th>first seen</th><th>last seen</th></tr>" +
    rep.topFields.map(f => '<tr class="selectable' + (f.field === sel.field ? " selected" : "") + '" data-route="' + esc(r.route) +
      '" data-field="' + esc(f.field) + '"><td><code>' + esc(f.field) + "</code></td><td class=\"count\">" + f.count + "</td><td>" + pct(f.rate) +
      "</td><td>" + esc(f.lastKind || "") + "</td><td>" + time(f.firstSeen) + "</td><td>" + time(f.lastSeen) + "</td></tr>").join("") + "</table>";
  const noise = rep.noiseFields.length === 0 ? '<p class="empty">No noise learned yet.</p>' :
    "<table class=\"noise-fields\"><tr><th>field</th><th>primary vs primary</th><th>primary vs shadow</th></tr>" +
    rep.noiseFields.map(n => '<tr class="noise"><td><code>' + esc(n.field) + "</code></td><td>" + pct(n.noiseRate) + "</td><td>" + pct(n.shadowRate) + "</td></tr>").join("") + "</table>";

  return '<section class="route-card" id="' + domId(r.route) + '" data-route="' + esc(r.route) + '">' +
    "<h2>" + esc(r.route) + "</h2>" +
    '<div class="figures">' + figs + "</div>" +
    '<div class="grid"><div><h3>match rate over time</h3><canvas class="match-chart" width="600" height="140"></canvas></div>' +
    "<div><h3>noise fields (discounted)</h3>" + noise + "</div></div>" +
    "<h3>top differing fields</h3>" + top +
    (await renderEvidence(r.route, sel, new Set(rep.noiseFields.map(n => n.field)))) + "</section>";
}

async function renderEvidence(route, sel, noise) {
  if (!sel.field) {
    return "";
  }
  let examples;
  try {
    examples = await getJson("/dashboard/api/examples?route=" + encodeURIComponent(route) + "&field=" + encodeURIComponent(sel.field) + "&limit=5");
  } catch (e) {
    return '<p class="bad">examples unavailable: ' + esc(e.message) + "</p>";
  }
  if (examples.length === 0) {
    return '<div class="evidence"><p class="empty">No stored example for <code>' + esc(sel.field) + "</code> (sampled, or expired).</p></div>";
  }
  if (!sel.id || !examples.some(x => x.id === sel.id)) {
    sel.id = examples[0].id;
  }
  let ev = state.evidence[sel.id];
  if (!ev) {
    try {
      ev = state.evidence[sel.id] = await getJson("/dashboard/api/evidence/" + sel.id);
    } catch (e) {
      return '<p class="bad">evidence unavailable: ' + esc(e.message) + "</p>";
    }
  }
  const links = examples.map(x => '<a href="#" class="example" data-route="' + esc(route) + '" data-id="' + x.id + '">' +
    (x.id === sel.id ? "<b>#" + x.id + "</b>" : "#" + x.id) + "</a>").join("");
  // pointer -> css class: real differences in red, differences learned as noise in amber
  const diffs = new Map(ev.differences.map(d => [d.pointer, noise.has(fieldOf(d.pointer)) ? "noise-diff" : "diff"]));
  return '<div class="evidence" data-evidence-id="' + ev.id + '"><h3>example for <code>' + esc(sel.field) + "</code> " +
    '<span class="examples">' + links + "</span></h3>" +
    '<p><code class="request-line">' + esc(ev.method + " " + ev.requestTarget) + "</code> · " + time(ev.createdAt) +
    (ev.requestRedactions.length ? ' · <span class="muted">redacted: ' + esc(ev.requestRedactions.join(", ")) + "</span>" : "") + "</p>" +
    '<div class="panes">' + pane("primary", ev.primaryStatus, ev.primaryHeaders, ev.primaryBody, diffs) +
    pane("shadow", ev.shadowStatus, ev.shadowHeaders, ev.shadowBody, diffs) + "</div></div>";
}

function pane(side, status, headers, body, diffs) {
  let head = '<span class="line' + mark(diffs, "status") + '" data-pointer="status">HTTP ' + status + "</span>\n";
  for (const [name, values] of Object.entries(headers || {})) {
    head += '<span class="line' + mark(diffs, "header:" + name) + '" data-pointer="header:' + esc(name) + '">' +
      esc(name) + ": " + esc(values.join(", ")) + "</span>\n";
  }
  let parsed;
  try { parsed = JSON.parse(body); } catch (e) { parsed = undefined; }
  const bodyHtml = parsed === undefined
    ? '<span class="line' + mark(diffs, "body") + '" data-pointer="body">' + esc(body) + "</span>"
    : renderJson(parsed, "", diffs, "", null);
  return '<div class="pane ' + side + '"><h4>' + side + "</h4><pre>" + head + "\n" + bodyHtml + "</pre></div>";
}

function mark(diffs, pointer) { return diffs.has(pointer) ? " " + diffs.get(pointer) : ""; }
// The field a pointer is counted under: array indices become * (as the server does).
function fieldOf(pointer) { return pointer.startsWith("/") ? pointer.replace(/\/\d+(?=\/|$)/g, "/*") : pointer; }
function seg(s) { return String(s).replace(/~/g, "~0").replace(/\//g, "~1"); }

// Renders JSON one member per line; each line carries its JSON Pointer and is highlighted
// when the comparator reported a difference there.
function renderJson(value, pointer, diffs, indent, key) {
  const cls = mark(diffs, pointer === "" ? "body" : pointer);
  const label = key === null ? "" : esc(JSON.stringify(key)) + ": ";
  const open = '<span class="line' + cls + '" data-pointer="' + esc(pointer) + '">' + indent + label;
  if (value !== null && typeof value === "object") {
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length === 0) {
      return open + (isArray ? "[]" : "{}") + "</span>";
    }
    const inner = entries.map(([k, v]) => renderJson(v, pointer + "/" + seg(k), diffs, indent + "  ", isArray ? null : k));
    return open + (isArray ? "[" : "{") + "</span>\n" + inner.join(",\n") + "\n" + indent + (isArray ? "]" : "}");
  }
  return open + esc(JSON.stringify(value)) + "</span>";
}

// x spans the selected window, y the match rate (matches / comparisons) per minute bucket.
function drawChart(canvas, series, from, to) {
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 28;
  ctx.clearRect(0, 0, w, h);
  ctx.font = "11px sans-serif";
  ctx.fillStyle = "#656d76";
  ctx.strokeStyle = "#d0d7de";
  for (const y of [0, 0.5, 1]) {
    const py = h - pad / 2 - y * (h - pad);
    ctx.beginPath(); ctx.moveTo(pad, py); ctx.lineTo(w - 4, py); ctx.stroke();
    ctx.fillText((y * 100) + "%", 2, py + 4);
  }
  const points = series.filter(b => b.comparisons > 0).map(b => ({ t: Date.parse(b.start), rate: b.matches / b.comparisons }));
  canvas.dataset.points = String(points.length);
  if (points.length === 0) {
    ctx.fillText("no comparisons in this window", pad + 10, h / 2);
    return;
  }
  const t0 = Math.min(from, points[0].t), t1 = Math.max(to, points[points.length - 1].t + 60000);
  const x = t => pad + (w - pad - 8) * (t - t0) / (t1 - t0);
  const y = r => h - pad / 2 - r * (h - pad);
  ctx.fillStyle = "#656d76";
  ctx.fillText(time(new Date(t0).toISOString()).slice(11, 16), pad, h - 2);
  ctx.fillText(time(new Date(t1).toISOString()).slice(11, 16), w - 40, h - 2);
  ctx.strokeStyle = "#1a7f37";
  ctx.lineWidth = 2;
  ctx.beginPath();
  points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.t), y(p.rate)) : ctx.lineTo(x(p.t), y(p.rate))));
  ctx.stroke();
  ctx.fillStyle = "#1a7f37";
  points.forEach(p => { ctx.beginPath(); ctx.arc(x(p.t), y(p.rate), 3, 0, 2 * Math.PI); ctx.fill(); });
  canvas.dataset.lastRate = points[points.length - 1].rate.toFixed(4);
}

document.getElementById("window").addEventListener("change", refresh);
refresh();
setInterval(refresh, REFRESH_MS);
