"""Is a topic's schema still compatible with the one last released at its version?

The policy (docs/topics.md): within one ``schema_version``, a release may only add
optional fields. Consumers built against the released schema then read newer records
(the published schemas accept fields they do not know), and consumers built against the
newer schema read the older records still retained (nothing they require is missing).
Anything else (a field removed, renamed, retyped, made required or optional, an enum or a
bound changed) breaks one side, and needs the next ``schema_version`` and ``ce_type``.

Released schemas live in ``schemas/released/<topic>.v<version>.json``; ``newswire schemas
release`` writes the ones missing, ``newswire schemas check`` reports breaking changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ANNOTATIONS = frozenset({"title", "description", "examples", "default", "$id", "$schema"})
"""Keywords that do not change which documents a schema accepts."""


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with ``$ref``s to ``#/$defs/...`` replaced by what they name."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = root["$defs"][ref.removeprefix("#/$defs/")]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return _resolve({**target, **rest}, root)
        return {k: _resolve(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_resolve(item, root) for item in node]
    return node


def _strip(node: Any) -> Any:
    """``node`` without annotations: what decides validity only."""
    if isinstance(node, dict):
        return {
            k: _strip(v) if k != "properties" else {p: _strip(s) for p, s in v.items()}
            for k, v in node.items()
            if k not in ANNOTATIONS
        }
    if isinstance(node, list):
        return [_strip(item) for item in node]
    return node


def _compare(old: Any, new: Any, where: str, problems: list[str]) -> None:
    if isinstance(old, dict) and isinstance(new, dict) and "properties" in old:
        old_props, new_props = old["properties"], new.get("properties", {})
        old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
        for name, schema in old_props.items():
            path = f"{where}.{name}" if where else name
            if name not in new_props:
                problems.append(f"{path}: removed")
                continue
            if name in old_required and name not in new_required:
                problems.append(f"{path}: no longer required (older consumers expect it)")
            if name not in old_required and name in new_required:
                problems.append(f"{path}: now required (older records lack it)")
            _compare(schema, new_props[name], path, problems)
        for name in new_props.keys() - old_props.keys():
            if name in new_required:
                path = f"{where}.{name}" if where else name
                problems.append(f"{path}: added as required (older records lack it)")
        rest_old = {k: v for k, v in old.items() if k not in ("properties", "required")}
        rest_new = {k: v for k, v in new.items() if k not in ("properties", "required")}
        if rest_old != rest_new:
            problems.append(f"{where or '(root)'}: object constraints changed")
        return
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        for key in old:
            _compare(old[key], new[key], f"{where}/{key}" if where else key, problems)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _compare(a, b, f"{where}[{i}]", problems)
        return
    if old != new:
        problems.append(f"{where or '(root)'}: changed from {json.dumps(old)} to {json.dumps(new)}")


def breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """What in ``current`` breaks the consumers of ``released`` or its records; empty when
    ``current`` only adds optional fields (or changes descriptions)."""
    problems: list[str] = []
    _compare(_strip(_resolve(released, released)), _strip(_resolve(current, current)), "", problems)
    return problems


def released_path(schemas_dir: Path, topic_file: str, version: int) -> Path:
    """``schemas/released/news.claims.v1.json`` for ``news.claims.json`` at version 1."""
    return schemas_dir / "released" / f"{topic_file.removesuffix('.json')}.v{version}.json"
