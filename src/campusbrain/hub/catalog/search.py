"""Searching the catalog: text (Chinese, English, pinyin initials, table or column name, owner),
filters (layer, system, owner, classification) and paging.

Every word of the text must match somewhere in an item; items are ranked by where the words
matched (an exact column name first, then the Chinese name, pinyin initials, table, owner and
finally the descriptions), then by layer and id, so the same search always pages the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from campusbrain.hub.catalog.index import CATALOG_LAYERS, ELEMENT_LAYER, Catalog, SearchKeys
from campusbrain.hub.contracts import CatalogEntry, CatalogFacet, CatalogPage

FILTERS = ("layer", "system", "owner", "classification")
CLASSIFICATIONS = ("general", "important", "core", "personal", "sensitive", "unclassified")
LAYERS = (*CATALOG_LAYERS, ELEMENT_LAYER)
MAX_PER_PAGE = 500


class CatalogQueryError(ValueError):
    """A search with a filter or paging value the catalog does not know; the message names it."""


def _word_score(word: str, keys: SearchKeys) -> int:
    """How well one lower-cased word matches an item; 0 when it does not match at all."""
    if word == keys.column:
        return 100
    if word == keys.label:
        return 90
    if word in keys.initials.split():
        return 80
    if keys.column.startswith(word):
        return 60
    if word in keys.label:
        return 50
    if any(part.startswith(word) for part in keys.initials.split()):
        return 45
    if word in keys.column:
        return 40
    if word in keys.table:
        return 30
    if word in keys.owner:
        return 20
    if word in keys.rest:
        return 10
    return 0


def _classified_as(entry: CatalogEntry, value: str) -> bool:
    c = entry.classification
    if value == "unclassified":
        return c.grade is None
    if value == "personal":
        return c.personal
    if value == "sensitive":
        return c.sensitive
    return c.level == value


def _matches(entry: CatalogEntry, name: str, value: str) -> bool:
    if name == "layer":
        return entry.layer == value
    if name == "system":
        return value in entry.systems
    if name == "owner":
        return value == entry.owner_code or (not value.isdigit() and value in entry.owner_name)
    return _classified_as(entry, value)


def check_filters(filters: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """The filters that are set, validated; an unknown filter or value raises CatalogQueryError."""
    checked: list[tuple[str, str]] = []
    for name, raw in sorted((filters or {}).items()):
        value = (raw or "").strip()
        if not value:
            continue
        if name not in FILTERS:
            raise CatalogQueryError(f"unknown catalog filter {name!r}; use one of {', '.join(FILTERS)}")
        if name == "layer" and value not in LAYERS:
            raise CatalogQueryError(f"layer {value!r} is not one of {', '.join(LAYERS)}")
        if name == "classification" and value not in CLASSIFICATIONS:
            raise CatalogQueryError(f"classification {value!r} is not one of {', '.join(CLASSIFICATIONS)}")
        checked.append((name, value))
    return tuple(checked)


def _facets(entries: list[CatalogEntry]) -> tuple[CatalogFacet, ...]:
    counts: Counter[tuple[str, str]] = Counter()
    for entry in entries:
        counts[("layer", entry.layer)] += 1
        for system in entry.systems:
            counts[("system", system)] += 1
        if entry.owner_code:
            counts[("owner", entry.owner_code)] += 1
        for value in CLASSIFICATIONS:
            if _classified_as(entry, value):
                counts[("classification", value)] += 1
    return tuple(
        CatalogFacet(name=name, value=value, count=count)
        for (name, value), count in sorted(counts.items(), key=lambda kv: (FILTERS.index(kv[0][0]), kv[0][1]))
    )


def search(
    catalog: Catalog,
    text: str,
    *,
    filters: Mapping[str, str] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> CatalogPage:
    """One page of the items matching ``text`` and every filter; facets count the text matches."""
    if page < 1:
        raise CatalogQueryError(f"page must be 1 or more, got {page}")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise CatalogQueryError(f"per_page must be between 1 and {MAX_PER_PAGE}, got {per_page}")
    chosen = check_filters(filters)
    words = [w for w in text.lower().split() if w]
    # The standard (data element) first, then the layers apps read, the raw ODS last.
    layer_rank = {layer: index for index, layer in enumerate((ELEMENT_LAYER, "dwd", "dws", "ads", "ods"))}
    scored: list[tuple[int, CatalogEntry]] = []
    for item, entry in catalog.entries.items():
        keys = catalog.keys[item]
        total = 0
        for word in words:
            score = _word_score(word, keys)
            if score == 0:
                break
            total += score
        else:
            scored.append((total, entry))
    text_matches = [entry for _score, entry in scored]
    kept = [(s, e) for s, e in scored if all(_matches(e, name, value) for name, value in chosen)]
    kept.sort(key=lambda se: (-se[0], layer_rank.get(se[1].layer, 9), se[1].item_id))
    start = (page - 1) * per_page
    return CatalogPage(
        build_id=catalog.build_id,
        text=text.strip(),
        filters=chosen,
        page=page,
        per_page=per_page,
        total=len(kept),
        items=tuple(e for _s, e in kept[start : start + per_page]),
        facets=_facets(text_matches),
    )
