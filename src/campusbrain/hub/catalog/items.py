"""One catalog item in full, its lineage graph, and the count of catalogued items."""

from __future__ import annotations

from collections import Counter, deque

from campusbrain.hub.catalog.index import CATALOG_LAYERS, ELEMENT_LAYER, Catalog, reach
from campusbrain.hub.contracts import (
    CatalogCount,
    CatalogItem,
    LineageEdge,
    LineageGraph,
    LineageNode,
    LineageRef,
)

MAX_GRAPH_DEPTH = 6
MAX_GRAPH_NODES = 150


class CatalogItemNotFound(LookupError):
    """No item with this id in the published build's catalog."""


def _split(item_id: str) -> tuple[str, str, str]:
    """``dwd.student.SFZJH`` → (dwd, dwd.student, SFZJH); column names may hold dots or spaces."""
    layer, _, rest = item_id.partition(".")
    table, _, column = rest.partition(".")
    return layer, f"{layer}.{table}", column


def _ref(item: str, transform: str, distance: int) -> LineageRef:
    layer, table, column = _split(item)
    return LineageRef(
        item_id=item, layer=layer, table=table, column=column, transform=transform, distance=distance
    )


def lookup(catalog: Catalog, item_id: str) -> CatalogItem:
    """Everything about one item; raises CatalogItemNotFound naming the id."""
    entry = catalog.entries.get(item_id)
    if entry is None:
        raise CatalogItemNotFound(f"no data item {item_id!r} in build {catalog.build_id}")
    if entry.kind == "element":
        carriers = tuple(sorted(catalog.carried_by.get(item_id, ())))
        upstream: tuple[LineageRef, ...] = ()
        downstream = tuple(_ref(c, "element", 1) for c in carriers)
        table_info = None
    else:
        carriers = ()
        upstream = tuple(_ref(i, t, d) for i, t, d in reach(catalog, item_id, "up"))
        downstream = tuple(_ref(i, t, d) for i, t, d in reach(catalog, item_id, "down"))
        table_info = catalog.tables.get(entry.table or "")
    figures = [*catalog.quality.get(item_id, ()), *catalog.quality.get(entry.table or "", ())]
    return CatalogItem(
        entry=entry,
        build_id=catalog.build_id,
        table_grain=table_info.grain if table_info else None,
        table_description=table_info.description if table_info else None,
        code_system=catalog.code_systems.get(item_id),
        upstream=upstream,
        downstream=downstream,
        carried_by=carriers,
        freshness=tuple(
            catalog.freshness[t] for t in catalog.sources_of.get(item_id, ()) if t in catalog.freshness
        ),
        quality=tuple(figures) if entry.kind == "column" else (),
        quality_measured=catalog.quality_measured,
    )


def graph(catalog: Catalog, item_id: str, depth: int) -> LineageGraph:
    """Columns within ``depth`` hops up and down of a column item, and the edges between them.

    Depth is capped at :data:`MAX_GRAPH_DEPTH` and the graph at :data:`MAX_GRAPH_NODES` nodes
    (nearest first), so a column feeding half the warehouse still draws as a readable picture.
    """
    if item_id not in catalog.entries:
        raise CatalogItemNotFound(f"no data item {item_id!r} in build {catalog.build_id}")
    if not 1 <= depth <= MAX_GRAPH_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_GRAPH_DEPTH}, got {depth}")
    depths: dict[str, int] = {item_id: 0}
    edges: dict[tuple[str, str], str] = {}
    truncated = False
    for direction, sign in (("up", -1), ("down", 1)):
        neighbours = catalog.upstream if direction == "up" else catalog.downstream
        if catalog.entries[item_id].kind == "element" and direction == "down":
            neighbours = {item_id: [(c, "element") for c in catalog.carried_by.get(item_id, ())]}
        queue: deque[tuple[str, int]] = deque([(item_id, 0)])
        seen = {item_id}
        while queue:
            node, distance = queue.popleft()
            if distance >= depth:
                continue
            for other, transform in neighbours.get(node, ()):
                if other not in depths and len(depths) >= MAX_GRAPH_NODES:
                    truncated = True
                    continue
                pair = (other, node) if direction == "up" else (node, other)
                edges.setdefault(pair, transform)
                if other in seen:
                    continue
                seen.add(other)
                depths.setdefault(other, sign * (distance + 1))
                queue.append((other, distance + 1))
    nodes = []
    for node, node_depth in sorted(depths.items(), key=lambda kv: (kv[1], kv[0])):
        layer, table, column = _split(node)
        entry = catalog.entries.get(node)
        nodes.append(
            LineageNode(
                item_id=node,
                layer=layer,
                table=table,
                column=column,
                label=entry.label if entry else "",
                depth=node_depth,
            )
        )
    return LineageGraph(
        item_id=item_id,
        depth=depth,
        nodes=tuple(nodes),
        edges=tuple(LineageEdge(source=s, target=t, transform=x) for (s, t), x in sorted(edges.items())),
        truncated=truncated,
    )


def count(catalog: Catalog) -> CatalogCount:
    """How many items the build catalogues, by layer."""
    layers = Counter(entry.layer for entry in catalog.entries.values())
    columns = sum(n for layer, n in layers.items() if layer != ELEMENT_LAYER)
    return CatalogCount(
        build_id=catalog.build_id,
        total=columns + layers[ELEMENT_LAYER],
        columns=columns,
        elements=layers[ELEMENT_LAYER],
        tables=sum(1 for t in catalog.tables.values() if t.layer in CATALOG_LAYERS),
        by_layer=tuple((layer, layers[layer]) for layer in (*CATALOG_LAYERS, ELEMENT_LAYER)),
    )
