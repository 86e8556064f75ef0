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
    edge_dom_id,
    graphviz_available,
    node_dom_id,
    to_svg,
)
from shieldwall.model import Control, Finding, ScanResult, Severity
from shieldwall.model.service_map import ServiceMap

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
#map{flex:1 1 auto;overflow:auto;max-height:78vh;background:#fff;border:1px solid #cfd8dc}
#map svg{max-width:none;height:auto}
#map g.node,#map g.edge{cursor:pointer}
#map g.selected polygon,#map g.selected ellipse,#map g.selected path{stroke-width:4}
#panel{flex:0 0 360px;max-height:78vh;overflow:auto;background:#fff;border:1px solid #cfd8dc;
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
      d.appendChild(el("strong", "", f.rule));
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
  if (svg) {
    svg.addEventListener("click", function(ev){
      var g = ev.target.closest ? ev.target.closest("g.node, g.edge") : null;
      if (!g) { return; }
      select(g);
      if (nodes[g.id]) { showNode(nodes[g.id]); }
      else if (edges[g.id]) { showEdge(edges[g.id]); }
    });
  }
  // Findings table: one row per finding, then the filters.
  var tbody = document.querySelector("#findings tbody");
  var frag = document.createDocumentFragment();
  data.findings.forEach(function(f){
    var tr = el("tr", f.suppressed ? "suppressed" : "");
    tr.setAttribute("data-severity", f.severity);
    tr.setAttribute("data-control", f.control);
    tr.setAttribute("data-analyzer", f.analyzer);
    tr.setAttribute("data-suppressed", f.suppressed ? "true" : "false");
    var sev = el("td"); sev.appendChild(el("span", "sev sev-" + f.severity, f.severity));
    var rule = el("td"); rule.appendChild(el("code", "", f.rule));
    rule.appendChild(el("br")); rule.appendChild(document.createTextNode(f.title));
    var note = f.suppressed ? " (suppressed: " + f.suppressed + ")" : "";
    var msg = el("td", "", f.message + note);
    var where = el("td"); where.appendChild(el("code", "", f.path + ":" + f.line));
    where.appendChild(el("br")); where.appendChild(el("span", "muted", f.resource));
    [sev, rule, msg, where].forEach(function(td){ tr.appendChild(td); });
    frag.appendChild(tr);
  });
  tbody.appendChild(frag);
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
    reason = f.suppression.reason if f.suppression else False
    return [
        f.fingerprint,
        f.rule.id,
        f.message,
        f.location.path,
        f.location.start_line,
        f.resource,
        reason,
    ]


def _data(result: ScanResult, service_map: ServiceMap) -> dict[str, Any]:
    nodes = []
    for i, n in enumerate(service_map.nodes):
        nodes.append(
            {
                "dom": node_dom_id(i),
                "id": n.id,
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
        f.rule.id: {
            "analyzer": f.rule.analyzer,
            "control": f.rule.control.value,
            "severity": f.rule.severity.value,
            "rank": f.rule.severity.rank,
            "title": f.rule.title,
        }
        for f in result.findings
    }
    findings = sorted(
        result.findings,
        key=lambda f: (-f.rule.severity.rank, f.rule.control.value, f.location.path, f.rule.id),
    )
    return {
        "target": result.target,
        "nodes": nodes,
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
        filters
        + '<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Finding</th>'
        "<th>Where</th></tr></thead><tbody></tbody></table>"
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
    return (
        _LEGEND
        + f'<div id="map-wrap"><div id="map">{svg}</div>'
        + '<aside id="panel"><p class="muted">Click a service or a link to see its findings '
        "and the configuration behind it.</p></aside></div>"
    )


def render(result: ScanResult, ctx: ReportContext) -> str:
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
    skipped = "".join(
        f"<li><code>{escape(s.path)}</code>: {escape(s.reason)}</li>" for s in result.skipped
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>shieldwall report: {escape(result.target)}</title>"
        f"<style>{_CSS % colours}</style></head><body>"
        f"<header><h1>shieldwall report</h1><p>{escape(result.target)} \u00b7 "
        f"{len(result.active)} finding(s): {escape(summary)} \u00b7 shieldwall "
        f"{escape(ctx.tool_version)}</p></header><main>"
        f'<h2>Service map</h2><section id="service-map">{_map_section(result.service_map)}'
        "</section>"
        f"<h2>Scorecard</h2>{_scorecard(result)}"
        f"<h2>Findings</h2>{_findings_table(result)}"
        + (f"<h2>Skipped</h2><ul>{skipped}</ul>" if skipped else "")
        + '</main><script type="application/json" id="shieldwall-data">'
        + _script_json(_data(result, service_map))
        + f"</script><script>{_JS}</script></body></html>\n"
    )
