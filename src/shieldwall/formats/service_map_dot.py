"""The service map as Graphviz: DOT source, and SVG laid out by Graphviz `dot`
(through the `graphviz` package, which runs the `dot` program).

Colours by control: red = reachable from the internet past the gateway (or a
route without authentication), orange = plaintext link, green = encrypted link,
grey = a path that only a NetworkPolicy or depends_on names, dashed border = a
workload no policy isolates; datastores are cylinders, the gateway a hexagon."""

from __future__ import annotations

import re
import shutil

import graphviz  # type: ignore[import-untyped]  # the package ships no type hints

from shieldwall.errors import FormatError
from shieldwall.model.display import display_map
from shieldwall.model.service_map import INTERNET, MapEdge, MapNode, ServiceMap

RED = "#c62828"
ORANGE = "#ef6c00"
GREEN = "#2e7d32"
GREY = "#9e9e9e"
BLUE = "#1565c0"
PURPLE = "#6a1b9a"

_SHAPES = {"internet": "doublecircle", "gateway": "hexagon", "datastore": "cylinder"}


def node_dom_id(index: int) -> str:
    return f"n{index}"


def edge_dom_id(index: int) -> str:
    return f"e{index}"


def _label(node: MapNode) -> str:
    if node.role == "internet":
        return "internet"
    kind = "compose" if node.kind == "ComposeService" else node.kind
    return f"{node.name}\\n{kind}"


def _node_attrs(node: MapNode, index: int) -> dict[str, str]:
    style = ["filled"]
    if node.open_ingress and node.role != "internet":
        style.append("dashed")
    if node.role == "internet":
        fill, color = "#eceff1", "#37474f"
    elif node.role == "gateway":
        fill, color = "#e3f2fd", BLUE
    elif node.exposure == "internet":
        fill, color = "#ffebee", RED
    else:
        fill, color = "#ffffff" if node.role != "datastore" else "#f3e5f5", "#455a64"
    return {
        "id": node_dom_id(index),
        "label": _label(node),
        "shape": _SHAPES.get(node.role, "box"),
        "style": ",".join(style),
        "fillcolor": fill,
        "color": color,
        "penwidth": "2" if node.findings or node.exposure == "internet" else "1",
    }


def edge_colour(edge: MapEdge) -> str:
    if not edge.allowed:
        return GREY
    if edge.source == INTERNET:
        if not edge.through_gateway:
            return RED
        return PURPLE if edge.via == "route" and not edge.authenticated else BLUE
    if edge.via in ("policy", "depends_on"):
        return GREY
    return GREEN if edge.encrypted else ORANGE


def _edge_attrs(edge: MapEdge, index: int) -> dict[str, str]:
    colour = edge_colour(edge)
    weak = edge.via in ("policy", "depends_on")
    style = "dotted" if not edge.allowed else "dashed" if weak else "solid"
    label = str(edge.port) if edge.port else ""
    if edge.source == INTERNET and edge.via == "route" and not edge.authenticated:
        label = f"{label} no auth".strip()
    if edge.aggregate is not None:  # drawn between its first pair
        label = f"{label} ({edge.aggregate.pairs} links)".strip()
    return {
        "id": edge_dom_id(index),
        "color": colour,
        "fontcolor": colour,
        "style": style,
        "label": label,
        "penwidth": "2" if colour in (RED, ORANGE, PURPLE) else "1",
    }


def cluster_name(node: MapNode) -> str:
    """The Graphviz cluster (and SVG element id) of a node's namespace or compose project."""
    prefix = "compose" if node.kind == "ComposeService" else "ns"
    return "cluster_" + re.sub(r"\W", "_", f"{prefix}_{node.namespace}")


def to_graph(service_map: ServiceMap) -> graphviz.Digraph:
    service_map = display_map(service_map)
    dot = graphviz.Digraph("service_map", strict=False)
    dot.attr(rankdir="LR", fontname="Helvetica", fontsize="11", splines="spline", nodesep="0.3")
    dot.attr("node", fontname="Helvetica", fontsize="10", margin="0.12,0.06")
    dot.attr("edge", fontname="Helvetica", fontsize="9", arrowsize="0.7")
    index = {n.id: i for i, n in enumerate(service_map.nodes)}
    clusters: dict[str, list[MapNode]] = {}
    for node in service_map.nodes:
        if node.role == "internet":
            dot.node(node_dom_id(index[node.id]), **_node_attrs(node, index[node.id]))
        else:
            clusters.setdefault(cluster_name(node), []).append(node)
    for name, members in sorted(clusters.items()):
        with dot.subgraph(name=name) as sub:
            first = members[0]
            title = (
                f"compose project {first.namespace}"
                if first.kind == "ComposeService"
                else f"namespace {first.namespace}"
            )
            sub.attr(id=name, label=title, style="rounded", color="#b0bec5", fontcolor="#546e7a")
            for node in members:
                sub.node(node_dom_id(index[node.id]), **_node_attrs(node, index[node.id]))
    skip_policy = policy_edges_hidden(service_map)
    if skip_policy:
        hidden = sum(1 for e in service_map.edges if e.via == "policy")
        dot.attr(
            label=f"{hidden} paths that only NetworkPolicies name are not drawn "
            "(too many to lay out); they are in the JSON map",
            labelloc="t",
        )
    for i, edge in enumerate(service_map.edges):
        if skip_policy and edge.via == "policy":
            continue
        if edge.source in index and edge.target in index:
            dot.edge(
                node_dom_id(index[edge.source]),
                node_dom_id(index[edge.target]),
                **_edge_attrs(edge, i),
            )
    return dot


# Above this many edges, the paths that only a NetworkPolicy names are left out of
# the drawing: Graphviz's layout time grows quickly with edges (500 services with
# 4,000 policy paths take minutes; without them, under a second).
MAX_DRAWN_EDGES = 800


def policy_edges_hidden(service_map: ServiceMap) -> bool:
    return len(service_map.edges) > MAX_DRAWN_EDGES


def to_dot(service_map: ServiceMap) -> str:
    return str(to_graph(service_map).source)


def graphviz_available() -> bool:
    return shutil.which("dot") is not None


def to_svg(service_map: ServiceMap) -> str:
    """The map laid out by Graphviz, as an SVG document without the XML prolog."""
    if not graphviz_available():
        raise FormatError(
            "Graphviz's `dot` program is not installed: the map cannot be laid out",
            "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
            "graphviz), or use --format json or --format dot",
        )
    try:
        svg = str(to_graph(service_map).pipe(format="svg", encoding="utf-8"))
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError) as exc:
        raise FormatError(f"Graphviz failed to lay out the map: {exc}", "run `dot -V`") from exc
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
