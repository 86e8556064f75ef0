"""The HTML report: one self-contained file (inline SVG, CSS and JavaScript, no
network) with the service map, the per-control scorecard and the findings,
filterable. Clicking a node or link of the map lists its findings."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from shieldwall.errors import FormatError
from shieldwall.formats.base import ReportContext
from shieldwall.formats.service_map_dot import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    RED,
    cluster_name,
    edge_dom_id,
    graphviz_available,
    node_dom_id,
    to_svg,
)
from shieldwall.model import Control, Finding, Rule, ScanResult, Severity
from shieldwall.model.display import display_map, display_path, display_text
from shieldwall.model.service_map import MapNode, ServiceMap

_CSS = """
:root{--red:%(red)s;--orange:%(orange)s;--green:%(green)s;--grey:%(grey)s;--blue:%(blue)s;
--purple:%(purple)s;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
body{margin:0;color:#263238;background:#fafafa}
header{padding:14px 22px;background:#263238;color:#fff}
header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cfd8dc;font-size:13px}
main{padding:12px 22px}
h2{font-size:16px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%%;background:#fff;font-size:13px}
th,td{border-bottom:1px solid #eceff1;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eceff1}
.num{text-align:right}.fail{color:var(--red);font-weight:600}
#map-wrap{display:flex;gap:12px;align-items:stretch}
#map-frame{flex:1 1 auto;min-width:0;display:flex;flex-direction:column;gap:6px}
#map-tools{display:flex;flex-wrap:wrap;gap:6px;align-items:center;font-size:13px}
#map-tools button{font:inherit;padding:2px 9px;border:1px solid #b0bec5;border-radius:3px;
background:#fff;cursor:pointer}
#map{position:relative;overflow:hidden;height:70vh;background:#fff;border:1px solid #cfd8dc;
cursor:grab;touch-action:none}
#map.dragging{cursor:grabbing}
#map svg{display:block;width:100%%;height:100%%}
#map g.match polygon,#map g.match ellipse,#map g.match path{stroke:#ffab00;stroke-width:5}
#map .faded{opacity:.25}
#map .collapsed-member{display:none}
#map g.cluster.collapsed path{fill:#eceff1;stroke:#78909c;stroke-width:2}
#map g.cluster.collapsed{cursor:pointer}
#groups{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px}
#map g.node,#map g.edge{cursor:pointer}
#map g.selected polygon,#map g.selected ellipse,#map g.selected path{stroke-width:4}
#panel{flex:0 0 360px;max-height:82vh;overflow:auto;background:#fff;border:1px solid #cfd8dc;
padding:10px;font-size:13px}
#panel h3{margin:0 0 6px;font-size:15px;word-break:break-all}
.legend{font-size:12px;margin:6px 0;display:flex;flex-wrap:wrap;gap:14px}
.legend span::before{content:"";display:inline-block;width:22px;height:3px;margin-right:5px;
vertical-align:middle;background:currentColor}
.sev{display:inline-block;min-width:62px;font-weight:600;font-size:11px;text-transform:uppercase}
.sev-critical{color:#b71c1c}.sev-high{color:var(--red)}.sev-medium{color:var(--orange)}
.sev-low{color:#827717}.sev-info{color:var(--grey)}
.finding{border-left:3px solid #cfd8dc;padding:4px 8px;margin:6px 0;background:#fafafa}
.muted{color:#78909c}.suppressed{opacity:.55}
#filters{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0;font-size:13px;align-items:center}
code{font-size:12px}
#findings th[data-sort]{cursor:pointer;user-select:none;white-space:nowrap}
#findings th[data-sort]::after{content:" \\2195";color:#90a4ae}
#findings th[aria-sort=ascending]::after{content:" \\2191";color:#263238}
#findings th[aria-sort=descending]::after{content:" \\2193";color:#263238}
.fix{margin-top:3px}.refs a{margin-right:8px}.finding a.rule-link{color:inherit}
.rule{background:#fff;border:1px solid #eceff1;padding:8px 12px;margin:8px 0;font-size:13px}
.rule h3{margin:0 0 4px;font-size:14px}
.rule:target{border-color:#ffab00;box-shadow:0 0 0 2px #ffe082}
.rule p{margin:4px 0}.note{font-size:13px}
"""

_JS = r"""
(function(){
  "use strict";
  var data = JSON.parse(document.getElementById("shieldwall-data").textContent);
  function objects(rows, fields){
    return rows.map(function(row){
      var o = {};
      fields.forEach(function(name, i){ o[name] = row[i]; });
      return o;
    });
  }
  data.edges = objects(data.edges, data.edge_fields);
  data.findings = objects(data.findings, data.finding_fields);
  var byFp = {};
  data.findings.forEach(function(f){
    var rule = data.rules[f.rule];
    f.control = rule.control; f.severity = rule.severity; f.analyzer = rule.analyzer;
    f.title = rule.title;
    byFp[f.fingerprint] = f;
  });
  var nodes = {}, edges = {};
  data.nodes.forEach(function(n){ nodes[n.dom] = n; });
  data.edges.forEach(function(e){ edges[e.dom] = e; });
  var panel = document.getElementById("panel");

  function el(tag, cls, text){
    var x = document.createElement(tag);
    if (cls) { x.className = cls; }
    if (text !== undefined) { x.textContent = text; }
    return x;
  }
  function findingsFor(fps, resources){
    var seen = {}, out = [];
    fps.forEach(function(fp){ if (byFp[fp] && !seen[fp]) { seen[fp] = 1; out.push(byFp[fp]); } });
    data.findings.forEach(function(f){
      if (!seen[f.fingerprint] && resources.indexOf(f.resource) >= 0) {
        seen[f.fingerprint] = 1; out.push(f);
      }
    });
    return out;
  }
  function showFindings(list){
    var box = el("div", "findings");
    box.appendChild(el("h4", "", list.length + " finding(s)"));
    list.forEach(function(f){
      var d = el("div", "finding" + (f.suppressed ? " suppressed" : ""));
      d.setAttribute("data-rule", f.rule);
      d.appendChild(el("span", "sev sev-" + f.severity, f.severity));
      var a = el("a", "rule-link"); a.href = "#rule-" + f.rule;
      a.appendChild(el("strong", "", f.rule)); d.appendChild(a);
      d.appendChild(el("div", "", f.message));
      d.appendChild(el("div", "muted", f.path + ":" + f.line + " \u00b7 " + f.control +
        (f.suppressed ? " \u00b7 suppressed" : "")));
      box.appendChild(d);
    });
    return box;
  }
  function select(g){
    Array.prototype.forEach.call(document.querySelectorAll("#map g.selected"), function(x){
      x.classList.remove("selected");
    });
    if (g) { g.classList.add("selected"); }
  }
  function showNode(n){
    panel.textContent = "";
    panel.setAttribute("data-selected", n.id);
    panel.appendChild(el("h3", "", n.id));
    panel.appendChild(el("div", "muted", n.role + " \u00b7 exposure: " + n.exposure +
      (n.open_ingress ? " \u00b7 not isolated" : "") +
      (n.open_egress ? " \u00b7 open egress" : "")));
    if (n.path) { panel.appendChild(el("div", "muted", n.path + ":" + n.line)); }
    panel.appendChild(showFindings(findingsFor(n.findings, n.resources)));
    var links = data.edges.filter(function(e){ return e.from === n.id || e.to === n.id; });
    if (links.length) {
      panel.appendChild(el("h4", "", links.length + " link(s)"));
      var ul = el("ul");
      links.forEach(function(e){
        ul.appendChild(el("li", "", e.from + " \u2192 " + e.to + (e.port ? ":" + e.port : "") +
          (e.encrypted ? " (encrypted)" : "") + (e.allowed ? "" : " (blocked)") +
          " \u2014 " + e.evidence));
      });
      panel.appendChild(ul);
    }
  }
  function showEdge(e){
    panel.textContent = "";
    panel.setAttribute("data-selected", e.from + "->" + e.to);
    panel.appendChild(el("h3", "", e.from + " \u2192 " + e.to + (e.port ? ":" + e.port : "")));
    panel.appendChild(el("div", "muted", "via " + e.via + " \u00b7 " +
      (e.encrypted ? "encrypted" : "plaintext or unknown") + " \u00b7 " +
      (e.allowed ? "allowed by the network" : "blocked by policy")));
    panel.appendChild(el("p", "", e.evidence));
    panel.appendChild(showFindings(findingsFor(e.findings, [])));
  }
  var svg = document.querySelector("#map svg");
  var moved = false;
  if (svg) {
    svg.addEventListener("click", function(ev){
      if (moved) { return; }
      var c = ev.target.closest ? ev.target.closest("g.cluster.collapsed") : null;
      if (c) { setCollapsed(c.id, false); return; }
      var g = ev.target.closest ? ev.target.closest("g.node, g.edge") : null;
      if (!g) { return; }
      select(g);
      if (nodes[g.id]) { showNode(nodes[g.id]); }
      else if (edges[g.id]) { showEdge(edges[g.id]); }
    });
  }
  // Zoom and pan: the whole drawing sits in one group whose transform the wheel,
  // a drag and the buttons change; the SVG itself fits the frame (its viewBox).
  var view = {k: 1, x: 0, y: 0}, viewport = null, mapBox = document.getElementById("map");
  function applyView(){
    viewport.setAttribute("transform",
      "translate(" + view.x + " " + view.y + ") scale(" + view.k + ")");
  }
  function toSvg(clientX, clientY){
    var pt = svg.createSVGPoint(); pt.x = clientX; pt.y = clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }
  var maxZoom = 40;
  function zoomAt(factor, u){
    var k = Math.min(maxZoom, Math.max(0.2, view.k * factor));
    view.x = u.x - (u.x - view.x) * k / view.k;
    view.y = u.y - (u.y - view.y) * k / view.k;
    view.k = k; applyView();
  }
  function centre(){
    var vb = svg.viewBox.baseVal;
    return {x: vb.x + vb.width / 2, y: vb.y + vb.height / 2};
  }
  function fitView(){ view = {k: 1, x: 0, y: 0}; applyView(); }
  var home = {k: 1, x: 0, y: 0};
  function homeView(){
    // The whole map when it is readable so; a large system opens at its top, at a
    // readable scale (one unit of the drawing about one pixel); Fit shows it whole.
    var pxPerUnit = svg.getScreenCTM().a;
    if (pxPerUnit >= 0.5) { return {k: 1, x: 0, y: 0}; }
    var k = 1 / pxPerUnit, vb = svg.viewBox.baseVal, r = mapBox.getBoundingClientRect();
    var top = toSvg(r.left + r.width / 2, r.top);
    return {k: k, x: top.x - k * (vb.x + vb.width / 2), y: top.y - k * vb.y};
  }
  function resetView(){ view = {k: home.k, x: home.x, y: home.y}; applyView(); }
  function centreOn(g, minPixels){
    var r = g.getBoundingClientRect();
    var k = Math.min(maxZoom, view.k * Math.max(1, minPixels / Math.max(r.height, 0.01)));
    var u = toSvg(r.left + r.width / 2, r.top + r.height / 2), c = centre();
    var gx = (u.x - view.x) / view.k, gy = (u.y - view.y) / view.k;
    view.k = k; view.x = c.x - gx * k; view.y = c.y - gy * k; applyView();
  }
  if (svg) {
    svg.removeAttribute("width"); svg.removeAttribute("height");
    viewport = document.createElementNS("http://www.w3.org/2000/svg", "g");
    viewport.id = "viewport";
    while (svg.firstChild) { viewport.appendChild(svg.firstChild); }
    svg.appendChild(viewport);
    applyView();
    maxZoom = Math.max(40, 4 / svg.getScreenCTM().a);
    home = homeView();
    resetView();
    mapBox.addEventListener("wheel", function(ev){
      ev.preventDefault();
      zoomAt(Math.exp(-ev.deltaY * 0.0015), toSvg(ev.clientX, ev.clientY));
    }, {passive: false});
    var drag = null;
    mapBox.addEventListener("pointerdown", function(ev){
      if (ev.button !== 0) { return; }
      drag = {x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y,
              scale: svg.getScreenCTM().a};
      moved = false;
    });
    window.addEventListener("pointermove", function(ev){
      if (!drag) { return; }
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
      moved = true; mapBox.classList.add("dragging");
      view.x = drag.vx + dx / drag.scale; view.y = drag.vy + dy / drag.scale; applyView();
    });
    window.addEventListener("pointerup", function(){
      drag = null; mapBox.classList.remove("dragging");
      setTimeout(function(){ moved = false; }, 0);
    });
    document.getElementById("zoom-in").addEventListener("click", function(){
      zoomAt(1.4, centre());
    });
    document.getElementById("zoom-out").addEventListener("click", function(){
      zoomAt(1 / 1.4, centre());
    });
    document.getElementById("zoom-reset").addEventListener("click", resetView);
    document.getElementById("zoom-fit").addEventListener("click", fitView);
  }
  // Namespaces and compose projects: each can be collapsed to its box (its services
  // hidden, the links inside it hidden, the links across it faded).
  var collapsed = {};
  function setCollapsed(group, on){
    collapsed[group] = on;
    var box = document.getElementById(group);
    if (box) { box.classList.toggle("collapsed", on); }
    var input = document.querySelector('#groups input[data-group="' + group + '"]');
    if (input) { input.checked = !on; }
    data.nodes.forEach(function(n){
      var g = document.getElementById(n.dom);
      if (g) { g.classList.toggle("collapsed-member", !!collapsed[n.group]); }
    });
    data.edges.forEach(function(e){
      var g = document.getElementById(e.dom);
      if (!g) { return; }
      var a = collapsed[groupOf[e.from]], b = collapsed[groupOf[e.to]];
      g.classList.toggle("collapsed-member", !!(a && b));
      g.classList.toggle("faded", !!(a || b) && !(a && b));
    });
  }
  var groupOf = {};
  data.nodes.forEach(function(n){ groupOf[n.id] = n.group; });
  Array.prototype.forEach.call(document.querySelectorAll("#groups input"), function(x){
    x.addEventListener("change", function(){
      setCollapsed(x.getAttribute("data-group"), !x.checked);
    });
  });
  var allBtn = document.getElementById("collapse-all");
  if (allBtn) {
    allBtn.addEventListener("click", function(){
      var on = !data.groups.every(function(g){ return collapsed[g[0]]; });
      data.groups.forEach(function(g){ setCollapsed(g[0], on); });
    });
  }
  // Search: the nodes whose name holds the text are highlighted; Enter centres the next one.
  var search = document.getElementById("map-search"), hits = [], hit = -1;
  function runSearch(){
    var q = search.value.trim().toLowerCase();
    hits = [];
    data.nodes.forEach(function(n){
      var g = document.getElementById(n.dom);
      if (!g) { return; }
      var ok = q !== "" && n.id.toLowerCase().indexOf(q) >= 0;
      g.classList.toggle("match", ok);
      if (ok) { hits.push(n); }
    });
    // a service named exactly so comes before the ones whose name only holds the text
    function exact(n){ return n.id.toLowerCase().split("/").pop() === q ? 0 : 1; }
    hits.sort(function(a, b){ return exact(a) - exact(b); });
    document.getElementById("search-count").textContent =
      q ? hits.length + " match(es)" : "";
    hit = -1;
    nextHit();
  }
  function nextHit(){
    if (!hits.length) { return; }
    hit = (hit + 1) % hits.length;
    var n = hits[hit];
    if (collapsed[n.group]) { setCollapsed(n.group, false); }
    centreOn(document.getElementById(n.dom), 48);
  }
  if (search && svg) {
    search.addEventListener("input", runSearch);
    search.addEventListener("keydown", function(ev){
      if (ev.key === "Enter") { ev.preventDefault(); nextHit(); }
    });
  }
  // Findings table: one row per finding (severity, rule and its detail, what to do, where).
  function link(href, text){
    var a = el("a", "", text);
    if (/^https?:\/\//.test(href)) { a.href = href; a.rel = "noopener noreferrer"; }
    return a;
  }
  function cweLink(cwe){
    var m = /^CWE-(\d+)$/.exec(cwe);
    return m ? link("https://cwe.mitre.org/data/definitions/" + m[1] + ".html", cwe)
      : el("span", "", cwe);
  }
  var tbody = document.querySelector("#findings tbody");
  var frag = document.createDocumentFragment();
  data.findings.forEach(function(f, i){
    var r = data.rules[f.rule];
    var tr = el("tr", f.suppressed ? "suppressed" : "");
    f.index = i; f.rank = r.rank; f.tr = tr;
    tr.setAttribute("data-severity", f.severity);
    tr.setAttribute("data-control", f.control);
    tr.setAttribute("data-analyzer", f.analyzer);
    tr.setAttribute("data-rule", f.rule);
    tr.setAttribute("data-suppressed", f.suppressed ? "true" : "false");
    var sev = el("td"); sev.appendChild(el("span", "sev sev-" + f.severity, f.severity));
    var rule = el("td");
    var a = el("a", "rule-link"); a.href = "#rule-" + f.rule;
    a.appendChild(el("code", "", f.rule)); rule.appendChild(a);
    rule.appendChild(el("br")); rule.appendChild(document.createTextNode(f.title));
    if (r.cwe.length) {
      var cwes = el("div", "muted cwe");
      r.cwe.forEach(function(c, j){
        if (j) { cwes.appendChild(document.createTextNode(", ")); }
        cwes.appendChild(cweLink(c));
      });
      rule.appendChild(cwes);
    }
    var note = f.suppressed ? " (suppressed: " + f.suppressed + ")" : "";
    var msg = el("td"); msg.appendChild(el("div", "", f.message + note));
    if (r.remediation) { msg.appendChild(el("div", "fix muted", "Fix: " + r.remediation)); }
    if (r.references.length) {
      var refs = el("div", "refs muted");
      r.references.forEach(function(u, j){ refs.appendChild(link(u, "[" + (j + 1) + "]")); });
      msg.appendChild(refs);
    }
    var where = el("td"); where.appendChild(el("code", "", f.path + ":" + f.line));
    where.appendChild(el("br")); where.appendChild(el("span", "muted", f.resource));
    var control = el("td", "", f.control);
    [sev, rule, msg, where, control].forEach(function(td){ tr.appendChild(td); });
    frag.appendChild(tr);
  });
  tbody.appendChild(frag);
  // Sorting: click a header; severity sorts by rank (critical first), then the others by text.
  var sortKeys = {
    severity: function(f){ return -f.rank; },
    rule: function(f){ return f.rule; },
    path: function(f){ return [f.path, ("000000000" + f.line).slice(-10)].join("\u0000"); },
    control: function(f){ return f.control; }
  };
  function compare(a, b){ return a < b ? -1 : a > b ? 1 : 0; }
  function sortBy(key, dir){
    var k = sortKeys[key], sign = dir === "descending" ? -1 : 1;
    var rows = data.findings.slice().sort(function(a, b){
      return sign * compare(k(a), k(b)) || a.index - b.index;
    });
    var f2 = document.createDocumentFragment();
    rows.forEach(function(f){ f2.appendChild(f.tr); });
    tbody.appendChild(f2);
    Array.prototype.forEach.call(document.querySelectorAll("#findings th[data-sort]"), function(th){
      if (th.getAttribute("data-sort") === key) { th.setAttribute("aria-sort", dir); }
      else { th.removeAttribute("aria-sort"); }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("#findings th[data-sort]"), function(th){
    th.addEventListener("click", function(){
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      sortBy(th.getAttribute("data-sort"), dir);
    });
  });
  // Findings table filters.
  var controls = ["severity", "control", "analyzer"];
  function applyFilters(){
    var want = {};
    controls.forEach(function(c){ want[c] = document.getElementById("filter-" + c).value; });
    var text = document.getElementById("filter-text").value.toLowerCase();
    var showSuppressed = document.getElementById("filter-suppressed").checked;
    var shown = 0;
    Array.prototype.forEach.call(document.querySelectorAll("#findings tbody tr"), function(tr){
      var ok = controls.every(function(c){
        return !want[c] || tr.getAttribute("data-" + c) === want[c];
      });
      ok = ok && (showSuppressed || tr.getAttribute("data-suppressed") !== "true");
      ok = ok && (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
      tr.hidden = !ok;
      if (ok) { shown += 1; }
    });
    document.getElementById("shown-count").textContent = String(shown);
  }
  controls.concat(["text", "suppressed"]).forEach(function(c){
    var x = document.getElementById("filter-" + c);
    x.addEventListener("input", applyFilters);
    x.addEventListener("change", applyFilters);
  });
  applyFilters();
  document.body.setAttribute("data-ready", "true");
})();
"""


# Findings and links travel as arrays (a report of 500 services holds thousands of
# findings: field names repeated in each would double the page).
FINDING_FIELDS = ("fingerprint", "rule", "message", "path", "line", "resource", "suppressed")
EDGE_FIELDS = ("dom", "from", "to", "port", "encrypted", "allowed", "via", "evidence", "findings")


def _finding_row(f: Finding) -> list[Any]:
    reason = display_text(f.suppression.reason) if f.suppression else False
    return [
        f.fingerprint,
        f.rule.id,
        display_text(f.message),
        display_path(f.location.path),
        f.location.start_line,
        display_text(f.resource),
        reason,
    ]


def _group_label(node: MapNode) -> str:
    kind = "compose project" if node.kind == "ComposeService" else "namespace"
    return f"{kind} {node.namespace}"


def _rules_used(result: ScanResult) -> list[Rule]:
    """Each rule with a finding (suppressed ones included), most severe first."""
    rules = {f.rule.id: f.rule for f in result.findings}
    return sorted(rules.values(), key=lambda r: (-r.severity.rank, r.id))


def _data(result: ScanResult, service_map: ServiceMap) -> dict[str, Any]:
    service_map = display_map(service_map)
    nodes = []
    groups: dict[str, list[Any]] = {}
    for i, n in enumerate(service_map.nodes):
        group = "" if n.role == "internet" else cluster_name(n)
        if group:
            groups.setdefault(group, [group, _group_label(n), 0])[2] += 1
        nodes.append(
            {
                "dom": node_dom_id(i),
                "id": n.id,
                "group": group,
                "kind": n.kind,
                "role": n.role,
                "exposure": n.exposure,
                "open_ingress": n.open_ingress,
                "open_egress": n.open_egress,
                "path": n.path,
                "line": n.line,
                "resources": list(n.resources),
                "findings": list(n.findings),
            }
        )
    edges = [
        [
            edge_dom_id(i),
            e.source,
            e.target,
            e.port,
            e.encrypted,
            e.allowed,
            e.via,
            e.evidence,
            list(e.findings),
        ]
        for i, e in enumerate(service_map.edges)
    ]
    rules = {
        r.id: {
            "analyzer": r.analyzer,
            "control": r.control.value,
            "severity": r.severity.value,
            "rank": r.severity.rank,
            "title": display_text(r.title),
            "remediation": display_text(r.remediation),
            "cwe": [display_text(c) for c in r.cwe],
            "references": [display_text(u) for u in r.references],
        }
        for r in _rules_used(result)
    }
    findings = sorted(
        result.findings,
        key=lambda f: (-f.rule.severity.rank, f.rule.control.value, f.location.path, f.rule.id),
    )
    return {
        "target": display_text(result.target),
        "nodes": nodes,
        "groups": sorted(groups.values()),
        "edge_fields": list(EDGE_FIELDS),
        "edges": edges,
        "finding_fields": list(FINDING_FIELDS),
        "rules": rules,
        "findings": [_finding_row(f) for f in findings],
    }


def _script_json(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _scorecard(result: ScanResult) -> str:
    rows = []
    for control in Control:
        failing = result.scorecard.failing(result.findings, control)
        checked = result.scorecard.checked.get(control, frozenset()) | failing
        if not checked:
            continue
        cls = ' class="num fail"' if failing else ' class="num"'
        rows.append(
            f"<tr><td>{escape(control.label)} <code>{control.value}</code></td>"
            f'<td class="num">{len(checked)}</td><td class="num">{len(checked) - len(failing)}'
            f"</td><td{cls}>{len(failing)}</td></tr>"
        )
    if not rows:
        return '<p class="muted">No resource was checked.</p>'
    return (
        '<table id="scorecard"><thead><tr><th>Control</th><th class="num">Checked</th>'
        '<th class="num">Passing</th><th class="num">Failing</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def _options(values: list[str]) -> str:
    return '<option value="">all</option>' + "".join(
        f'<option value="{escape(v)}">{escape(v)}</option>' for v in values
    )


def _findings_table(result: ScanResult) -> str:
    """The filters and an empty table: the rows are built in the page from the data."""
    analyzers = sorted({f.rule.analyzer for f in result.findings})
    filters = (
        '<div id="filters">'
        f'<label>Severity <select id="filter-severity">{_options([s.value for s in Severity])}'
        "</select></label>"
        f'<label>Control <select id="filter-control">{_options([c.value for c in Control])}'
        "</select></label>"
        f'<label>Analyzer <select id="filter-analyzer">{_options(analyzers)}</select></label>'
        '<label>Text <input id="filter-text" type="search" placeholder="rule, path, resource">'
        "</label>"
        '<label><input id="filter-suppressed" type="checkbox"> show suppressed</label>'
        f'<span class="muted"><span id="shown-count">{len(result.active)}</span> shown</span>'
        "</div>"
    )
    return (
        filters + '<table id="findings"><thead><tr><th data-sort="severity" aria-sort="descending">'
        'Severity</th><th data-sort="rule">Rule</th><th>Finding</th><th data-sort="path">Where'
        '</th><th data-sort="control">Control</th></tr></thead><tbody></tbody></table>'
    )


def _link(url: str, text: str) -> str:
    """A link for a web address; anything else stays text."""
    if url.startswith(("https://", "http://")):
        return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(text)}</a>'
    return escape(text)


def _cwe(cwe: str) -> str:
    number = cwe.removeprefix("CWE-")
    if number.isdigit() and number.isascii():
        return _link(f"https://cwe.mitre.org/data/definitions/{number}.html", cwe)
    return escape(cwe)


def _rules_section(result: ScanResult) -> str:
    """Each rule with a finding: what it checks, how to fix it, where to read more."""
    articles = []
    for rule in _rules_used(result):
        cwe = ", ".join(_cwe(display_text(c)) for c in rule.cwe)
        refs = "".join(
            f"<li>{_link(display_text(u), display_text(u))}</li>" for u in rule.references
        )
        articles.append(
            f'<article class="rule" id="rule-{escape(rule.id)}"><h3><code>{escape(rule.id)}'
            f"</code> {escape(display_text(rule.title))}</h3>"
            f'<div class="muted"><span class="sev sev-{rule.severity.value}">'
            f"{rule.severity.value}</span> {escape(rule.control.value)} \u00b7 "
            f"{escape(rule.analyzer)}{' · ' + cwe if cwe else ''}</div>"
            f"<p>{escape(display_text(rule.description))}</p>"
            f"<p><strong>Fix:</strong> {escape(display_text(rule.remediation))}</p>"
            + (f'<ul class="refs">{refs}</ul>' if refs else "")
            + "</article>"
        )
    if not articles:
        return '<p class="muted note">No rule has a finding.</p>'
    return '<section id="rules">' + "".join(articles) + "</section>"


def _skipped_section(result: ScanResult) -> str:
    if not result.skipped:
        return '<p class="muted note" id="skipped">No input was skipped.</p>'
    rows = "".join(
        f"<tr><td><code>{escape(display_path(s.path))}</code></td>"
        f"<td>{escape(display_text(s.reason))}</td></tr>"
        for s in result.skipped
    )
    return (
        f'<p class="muted note">{len(result.skipped)} input(s) could not be analysed; nothing '
        "in them was checked.</p>"
        '<table id="skipped"><thead><tr><th>Path</th><th>Reason</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


_LEGEND = (
    '<div class="legend">'
    f'<span style="color:{RED}">reachable past the gateway</span>'
    f'<span style="color:{PURPLE}">route without authentication</span>'
    f'<span style="color:{BLUE}">through the gateway</span>'
    f'<span style="color:{ORANGE}">plaintext link</span>'
    f'<span style="color:{GREEN}">encrypted link</span>'
    f'<span style="color:{GREY}">path a policy or depends_on allows</span>'
    '<span class="muted">dashed box: not isolated by any policy; cylinder: datastore; '
    "hexagon: gateway</span></div>"
)


def _map_section(service_map: ServiceMap | None) -> str:
    if service_map is None or not service_map.nodes:
        return (
            '<p class="muted">No service map: run the <code>topology</code> analyzer on a '
            "system with Kubernetes manifests or compose files.</p>"
        )
    if not graphviz_available():
        return (
            '<p class="muted">The service map needs Graphviz (<code>dot</code>) to be laid out: '
            "install it (apt-get install graphviz) and run again.</p>"
        )
    try:
        svg = to_svg(service_map)
    except FormatError as exc:
        return f'<p class="muted">{escape(exc.message)}</p>'
    groups = sorted(
        {cluster_name(n): n for n in display_map(service_map).nodes if n.role != "internet"}.items()
    )
    toggles = "".join(
        f'<label><input type="checkbox" checked data-group="{escape(name)}"> '
        f"{escape(_group_label(node))}</label>"
        for name, node in groups
    )
    tools = (
        '<div id="map-tools">'
        '<button type="button" id="zoom-in" title="Zoom in (or the mouse wheel)">+</button>'
        '<button type="button" id="zoom-out" title="Zoom out">\u2212</button>'
        '<button type="button" id="zoom-reset" title="Back to the first view">Reset</button>'
        '<button type="button" id="zoom-fit" title="The whole map">Fit</button>'
        '<label>Find <input id="map-search" type="search" placeholder="service name" '
        'title="Enter: next match"></label><span id="search-count" class="muted"></span>'
        + (
            '<button type="button" id="collapse-all">Collapse / expand all</button>'
            if groups
            else ""
        )
        + '<span class="muted">wheel: zoom \u00b7 drag: move</span>'
        + f'</div><div id="groups">{toggles}</div>'
    )
    return (
        _LEGEND
        + f'<div id="map-wrap"><div id="map-frame">{tools}<div id="map">{svg}</div></div>'
        + '<aside id="panel"><p class="muted">Click a service or a link to see its findings '
        "and the configuration behind it.</p></aside></div>"
    )


def _analyzers_line(result: ScanResult, page: str) -> str:
    ran = ", ".join(result.analyzers) or "none"
    if page == "map":
        return (
            f"analyzers run: {escape(ran)} (topology draws the map; config lists the "
            "findings of each service)"
        )
    return f"analyzers run: {escape(ran)}"


def render(result: ScanResult, ctx: ReportContext, *, page: str = "report") -> str:
    """The page; `page="map"` for `shieldwall map` (titled for the map, it says which
    analyzers drew it)."""
    service_map = result.service_map or ServiceMap()
    summary = ", ".join(f"{n} {s}" for s, n in result.by_severity().items()) or "none"
    colours = {
        "red": RED,
        "orange": ORANGE,
        "green": GREEN,
        "grey": GREY,
        "blue": BLUE,
        "purple": PURPLE,
    }
    target = escape(display_text(result.target))
    heading = "shieldwall service map" if page == "map" else "shieldwall report"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{heading}: {target}</title>"
        f"<style>{_CSS % colours}</style></head><body>"
        f"<header><h1>{heading}</h1><p>{target} \u00b7 "
        f"{len(result.active)} finding(s): {escape(summary)} \u00b7 shieldwall "
        f'{escape(ctx.tool_version)}</p><p id="analyzers">{_analyzers_line(result, page)}</p>'
        "</header><main>"
        f'<h2>Service map</h2><section id="service-map">{_map_section(result.service_map)}'
        "</section>"
        f"<h2>Scorecard</h2>{_scorecard(result)}"
        f"<h2>Findings</h2>{_findings_table(result)}"
        f"<h2>Rules</h2>{_rules_section(result)}"
        f"<h2>Skipped inputs</h2>{_skipped_section(result)}"
        '</main><script type="application/json" id="shieldwall-data">'
        + _script_json(_data(result, service_map))
        + f"</script><script>{_JS}</script></body></html>\n"
    )
