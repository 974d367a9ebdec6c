"""A definition as an SVG state diagram: a simple layered layout, drawn without any library.

Layers are the breadth-first distance from the initial state, final states at the bottom;
within a layer the states are
ordered by the mean position of their predecessors (one barycentre pass). Forward edges run
down, edges within a layer arc over it, edges back up bow out to the right. The picture
carries no meaning a reader cannot get otherwise: every state and step is also text
(``<title>`` per node and edge; pages list the transitions beside the picture).
"""

from __future__ import annotations

import textwrap
from collections import defaultdict, deque
from dataclasses import dataclass
from xml.sax.saxutils import escape

from workflow.definitions.spec import DefinitionSpec

NODE_W, NODE_H = 180, 58
GAP_X, GAP_Y = 28, 64
MARGIN = 24
BACK_LANE = 18  # room per edge bowing back up, right of the widest layer
STYLE = (
    "<style>.rf-diagram__edge{fill:none;stroke:#7d8298;stroke-width:1.5}"
    ".rf-diagram__arrow{fill:#7d8298}"
    ".rf-diagram__node rect{fill:#fff;stroke:#454b6b;stroke-width:1.5}"
    ".rf-diagram__node--final rect{fill:#f2f3f7}"
    ".rf-diagram__node--current rect{fill:#0b3d91;stroke:#000;stroke-width:4}"
    ".rf-diagram__label{font:14px 'Fira Sans',system-ui,sans-serif;fill:#1a1f36}"
    ".rf-diagram__node--current .rf-diagram__label{fill:#fff;font-weight:700}</style>"
)


@dataclass(frozen=True)
class Node:
    name: str
    label: str
    final: bool
    x: float
    y: float


def _layers(spec: DefinitionSpec) -> list[list[str]]:
    successors: dict[str, list[str]] = defaultdict(list)
    for t in spec.transitions:
        for source in t.source:
            if t.dest not in successors[source]:
                successors[source].append(t.dest)
    depth = {spec.initial: 0}
    queue = deque([spec.initial])
    while queue:
        here = queue.popleft()
        for nxt in successors[here]:
            if nxt not in depth:
                depth[nxt] = depth[here] + 1
                queue.append(nxt)
    bottom = max(depth.values()) + 1
    for state in spec.states:
        # ends (withdrawn, rejected, archived …) share the bottom row, so the way through
        # reads top-down; unreachable states (none in valid definitions) go there too
        if state.final or state.name not in depth:
            depth[state.name] = bottom
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for state in spec.states:
        layers[depth[state.name]].append(state.name)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for source, targets in successors.items():
        for target in targets:
            predecessors[target].append(source)
    position: dict[str, float] = {}
    for layer in layers:
        for i, name in enumerate(layer):
            above = [position[p] for p in predecessors[name] if p in position]
            position[name] = sum(above) / len(above) if above else float(i)
        layer.sort(key=lambda n: position[n])
        for i, name in enumerate(layer):
            position[name] = float(i)
    return [layer for layer in layers if layer]


def _text(label: str, cx: float, cy: float, css: str) -> str:
    lines = textwrap.wrap(label, 22)[:3] or [""]
    first = cy - (len(lines) - 1) * 8
    spans = "".join(
        f'<tspan x="{cx:.0f}" y="{first + i * 16:.0f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{css}" text-anchor="middle" dominant-baseline="middle">{spans}</text>'


def svg(spec: DefinitionSpec, current: str | None = None, *, title: str | None = None) -> str:
    """The diagram as an ``<svg>`` element (inline in a page or written to a file); the
    ``current`` state is drawn filled and named in the accessible description."""
    layers = _layers(spec)
    widest = max(len(layer) for layer in layers)
    content_w = widest * NODE_W + (widest - 1) * GAP_X
    labels = {s.name: s for s in spec.states}
    nodes: dict[str, Node] = {}
    for row, layer in enumerate(layers):
        row_w = len(layer) * NODE_W + (len(layer) - 1) * GAP_X
        left = MARGIN + (content_w - row_w) / 2
        for i, name in enumerate(layer):
            state = labels[name]
            x = left + i * (NODE_W + GAP_X)
            y = MARGIN + row * (NODE_H + GAP_Y)
            nodes[name] = Node(name, state.label, state.final, x, y)
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in spec.transitions:
        for source in t.source:
            if source != t.dest and t.label not in edges[(source, t.dest)]:
                edges[(source, t.dest)].append(t.label)
    back = [pair for pair in edges if nodes[pair[1]].y < nodes[pair[0]].y]
    width = MARGIN * 2 + content_w + BACK_LANE * (len(back) + 1)
    height = MARGIN * 2 + len(layers) * NODE_H + (len(layers) - 1) * GAP_Y
    name = title or spec.title
    current_label = labels[current].label if current in labels else None
    desc = f"Aktueller Stand: {current_label}." if current_label else "Alle Zustände und Schritte."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="rf-diagram" viewBox="0 0 {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="diagramm-titel diagramm-beschreibung">',
        f'<title id="diagramm-titel">Ablauf: {escape(name)}</title>',
        f'<desc id="diagramm-beschreibung">{escape(desc)}</desc>',
        STYLE,
        '<defs><marker id="pfeil" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="rf-diagram__arrow"/></marker></defs>',
    ]
    lane = 0
    for (source, dest), steps in edges.items():
        a, b = nodes[source], nodes[dest]
        if b.y > a.y:
            x1, y1 = a.x + NODE_W / 2, a.y + NODE_H
            x2, y2 = b.x + NODE_W / 2, b.y
            mid = (y1 + y2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{mid:.0f} {x2:.0f},{mid:.0f} {x2:.0f},{y2:.0f}"
        elif b.y == a.y:
            x1, x2 = a.x + NODE_W / 2, b.x + NODE_W / 2
            top = a.y - GAP_Y / 2
            path = f"M{x1:.0f},{a.y:.0f} C{x1:.0f},{top:.0f} {x2:.0f},{top:.0f} {x2:.0f},{b.y:.0f}"
        else:
            lane += 1
            out = MARGIN + content_w + BACK_LANE * lane
            y1, y2 = a.y + NODE_H / 2, b.y + NODE_H / 2
            x1, x2 = a.x + NODE_W, b.x + NODE_W
            path = f"M{x1:.0f},{y1:.0f} C{out:.0f},{y1:.0f} {out:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        words = f"{labels[source].label} → {labels[dest].label}: {', '.join(steps)}"
        parts.append(
            f'<path class="rf-diagram__edge" d="{path}" marker-end="url(#pfeil)">'
            f"<title>{escape(words)}</title></path>"
        )
    for node in nodes.values():
        css = "rf-diagram__node"
        if node.final:
            css += " rf-diagram__node--final"
        is_current = node.name == current
        if is_current:
            css += " rf-diagram__node--current"
        note = " (aktueller Stand)" if is_current else ""
        parts.append(
            f'<g class="{css}"><title>{escape(node.label + note)}</title>'
            f'<rect x="{node.x:.0f}" y="{node.y:.0f}" width="{NODE_W}" height="{NODE_H}" '
            f'rx="{NODE_H / 2 if node.final else 6:.0f}"/>'
            + _text(node.label, node.x + NODE_W / 2, node.y + NODE_H / 2, "rf-diagram__label")
            + "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
