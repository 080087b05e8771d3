"""Griffe extension: turn the Sphinx roles of servicekit's numpydoc docstrings into links.

The docstrings cross-reference with Sphinx roles (``:func:`csat```, ``:class:`Proportion```,
``:meth:``, ``:mod:``, ``:attr:``, ``:data:``, ``:exc:``, ``:obj:``), which mkdocstrings
prints verbatim ("Every rate is a :class: Proportion"). When the package is loaded, this
extension rewrites each role in every docstring to an mkdocs-autorefs cross-reference:

* the target is resolved the way a reader would: an absolute path (``servicekit.x.y``),
  else relative to the object, its class and its enclosing modules (``to_json`` in a
  method is the sibling method, ``Proportion`` in ``servicekit.metrics.rates`` is what
  that module imported), else a short name that names exactly one object of the package;
  aliases are followed to the object they name, whose path mkdocstrings registers with
  autorefs wherever that object is documented;
* the reference is emitted as ``<autoref optional identifier="...">`` with the text in
  ``<code>``: when the object is documented on the site it becomes a link, otherwise
  (a private helper, ``argparse``) autorefs renders just the code, with no warning, so
  ``mkdocs build --strict`` stays clean and no raw role is ever shown.

Sphinx's display forms are kept: ``~a.b.c`` shows ``c``, ``title <target>`` shows
``title``, and ``!target`` is never linked.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from griffe import Extension, Object

ROLE = re.compile(
    r"(?::py)?:(?P<role>func|class|meth|mod|attr|data|exc|obj|const):`(?P<body>[^`]+)`"
)


def _walk(obj: Object) -> Iterator[Object]:
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, Object):
            yield from _walk(member)


def _final_path(obj: Any) -> str | None:
    """The path of the object ``obj`` names, following aliases; None if it is outside."""
    try:
        return str(obj.final_target.path if obj.is_alias else obj.path)
    except Exception:  # an alias to another package (numpy, argparse): not ours to link
        return None


class SphinxRoles(Extension):
    """Rewrite Sphinx roles in docstrings to autorefs cross-references."""

    def on_package(self, *, pkg: Object, **kwargs: Any) -> None:
        """Rewrite every docstring of the loaded package."""
        objects = list(_walk(pkg))
        by_name: dict[str, set[str]] = defaultdict(set)
        for obj in objects:
            by_name[obj.name].add(obj.path)
        for obj in objects:
            if obj.docstring is not None and ":" in obj.docstring.value:
                obj.docstring.value = ROLE.sub(
                    lambda m, obj=obj: self._reference(m, obj, pkg, by_name),  # type: ignore[misc]
                    obj.docstring.value,
                )

    @staticmethod
    def _node(root: Object, path: str) -> Any:
        """The object at ``path`` (aliases followed), or None."""
        parts = path.split(".")
        if parts[0] != root.name:
            return None
        node: Any = root
        for part in parts[1:]:
            try:
                node = (node.final_target if node.is_alias else node).get_member(part)
            except Exception:
                return None
        return node

    def _lookup(self, root: Object, path: str, role: str) -> str | None:
        node = self._node(root, path)
        if node is None:
            return None
        found = _final_path(node)
        if found and role != "mod" and not node.is_alias and node.is_module:
            # ``servicekit.metrics`` exports ``backlog`` from ``servicekit.metrics.backlog``:
            # griffe sees the submodule under that name, Python (and the docstring) the
            # function. A function or class role means the same-named object inside.
            inner = self._node(root, f"{found}.{node.name}")
            return _final_path(inner) if inner is not None else found
        return found

    def _resolve(
        self, role: str, target: str, obj: Object, pkg: Object, by_name: dict[str, set[str]]
    ) -> str | None:
        target = target.removesuffix("()")
        paths = [target]
        scope: Object | None = obj
        while scope is not None:
            paths.append(f"{scope.path}.{target}")
            scope = scope.parent
        for path in paths:
            found = self._lookup(pkg, path, role)
            if found:
                return found
        candidates = {p for p in by_name.get(target.rsplit(".", 1)[-1], ()) if p.endswith(target)}
        if len(candidates) == 1:
            return candidates.pop()
        return None

    def _reference(
        self, m: re.Match[str], obj: Object, pkg: Object, by_name: dict[str, set[str]]
    ) -> str:
        body = m["body"].strip()
        titled = re.fullmatch(r"(?P<title>.+?)\s*<(?P<target>[^>]+)>", body)
        if titled:
            title, target = titled["title"], titled["target"]
        else:
            target = body.lstrip("!~")
            title = target.rsplit(".", 1)[-1] if body.lstrip("!").startswith("~") else target
        code = f"<code>{html.escape(title)}</code>"
        identifier = (
            None
            if body.startswith("!")
            else self._resolve(m["role"], target.lstrip("~"), obj, pkg, by_name)
        )
        if identifier is None:
            return code
        return f'<autoref optional identifier="{html.escape(identifier)}">{code}</autoref>'
