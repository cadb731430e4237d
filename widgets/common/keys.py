"""Keys the user chooses: the ``[keys]`` table of the config, checked against every binding.

Every binding of the dashboard has an id (``panel.new``, ``row.status``…); the config maps
an id to the keys that should run it, and the app hands the result to Textual's
``App.set_keymap``, which swaps the keys wherever that binding is declared (the footer and
the help screen show the new keys, since both read the live bindings).

What Textual leaves to us, checked once at start-up so the officer reads one line instead
of a key that silently does something else:

* an **unknown id** (a typo, or an id from another version) is left out, and said;
* a **clash**: a remapped key that another binding active at the same time already uses
  (in the same widget, or a panel's key against one of the app's own): both are said.
  Clashes among the shipped keys are by design (a dialog's ``escape``); only a clash that
  involves a remapped binding is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

# Textual's own normaliser ("?" → "question_mark"), the one ``set_keymap`` applies: the
# check must see keys exactly as Textual will.
from textual.keys import _normalize_key_list

from dutyboard.i18n import _

# Modules whose classes declare the dashboard's bindings.
OWN_MODULES = ("widgets.", "dutyboard.")


@dataclass(frozen=True)
class KeymapCheck:
    """What to hand to ``set_keymap`` and the lines to show."""

    keymap: dict[str, str]
    problems: tuple[str, ...]


def binding_classes() -> list[type[DOMNode]]:
    """Every loaded widget, screen and app class of dutyboard that declares bindings."""
    found: list[type[DOMNode]] = []
    seen: set[type[DOMNode]] = set()
    todo: list[type[DOMNode]] = [DOMNode]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub in seen:
                continue
            seen.add(sub)
            todo.append(sub)
            if sub.__module__.startswith(OWN_MODULES) and sub.__dict__.get("BINDINGS"):
                found.append(sub)
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings ``cls`` itself declares (not inherited)."""
    return list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


def all_bindings(classes: Iterable[type[DOMNode]] | None = None) -> dict[str, list[Binding]]:
    """Binding id → the bindings declared with it (one id may serve several widgets:
    ``detail.close`` closes every detail screen)."""
    ids: dict[str, list[Binding]] = {}
    for cls in binding_classes() if classes is None else classes:
        for binding in own_bindings(cls):
            if binding.id:
                ids.setdefault(binding.id, []).append(binding)
    return ids


def _merged(cls: type[DOMNode]) -> list[Binding]:
    """Every binding active on an instance of ``cls``, inherited ones included."""
    merged = cls._merged_bindings
    if merged is None:
        return []
    return [b for bindings in merged.key_to_bindings.values() for b in bindings]


def _keys_of(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    keys = keymap.get(binding.id) if binding.id else None
    return (keys or _normalize_key_list(binding.key)).split(",")


def check_keymap(
    wanted: Iterable[tuple[str, str]],
    *,
    together: Iterable[tuple[type[DOMNode], ...]] = (),
    classes: Iterable[type[DOMNode]] | None = None,
) -> KeymapCheck:
    """Check the config's ``[keys]`` pairs: unknown ids out, clashes said.

    ``together``: groups of classes whose bindings are active at the same time (a table,
    the panel around it and the app); every class on its own is a group as well."""
    groups = [tuple(group) for group in together]
    classes = list(binding_classes() if classes is None else classes)
    classes += [cls for group in groups for cls in group if cls not in classes]
    known = all_bindings(classes)
    problems: list[str] = []
    keymap: dict[str, str] = {}
    unknown = [binding_id for binding_id, _keys in wanted if binding_id not in known]
    for binding_id, keys in wanted:
        if binding_id in known:
            keymap[binding_id] = _normalize_key_list(keys)
    if unknown:
        problems.append(
            _("[keys]: no binding has the id {ids}; left out (docs/keys.md lists every id)").format(
                ids=", ".join(unknown)
            )
        )
    if not keymap:
        return KeymapCheck(keymap, tuple(problems))
    said: set[tuple[str, frozenset[str]]] = set()
    for group in [(cls,) for cls in classes] + groups:
        active = [binding for cls in group for binding in _merged(cls)]
        by_key: dict[str, dict[str, Binding]] = {}
        for binding in active:
            for key in _keys_of(binding, keymap):
                by_key.setdefault(key, {})[binding.id or binding.action] = binding
        for key, bindings in sorted(by_key.items()):
            names = frozenset(bindings)
            remapped = names & keymap.keys()
            actions = {b.action for b in bindings.values()}
            if len(names) < 2 or not remapped or len(actions) < 2 or (key, names) in said:
                continue
            said.add((key, names))
            problems.append(
                _("[keys]: {key} is given to both {ids}; only one of them will run").format(
                    key=key, ids=" and ".join(sorted(names))
                )
            )
    return KeymapCheck(keymap, tuple(problems))


def reference_markdown() -> str:
    """docs/keys.md: every binding id, its keys and what it does, by where it works
    (regenerate with ``python -m widgets.common.keys > docs/keys.md``; a test compares)."""
    import importlib
    import pkgutil

    import widgets

    importlib.import_module("dutyboard.app")
    for module in pkgutil.walk_packages(widgets.__path__, "widgets."):
        importlib.import_module(module.name)
    lines = [
        "# Keys and their ids",
        "",
        "Every key of the dashboard has an id. Give a binding other keys in the config's",
        "`[keys]` table (Textual key names, comma-separated); the footer and the help",
        "screen (`?`) show the keys as they are then. An unknown id, or a key that two",
        "bindings active at the same time would share, is said in one line at start-up.",
        "",
        "```toml",
        "[keys]",
        '"panel.new" = "n,a"      # New: n or a instead of N',
        '"app.help" = "f1"',
        "```",
        "",
        "Generated from the code by `python -m widgets.common.keys > docs/keys.md`.",
        "",
    ]
    for cls in binding_classes():
        bindings = [b for b in own_bindings(cls) if b.id]
        if not bindings:
            continue
        lines += [f"## {cls.__qualname__} (`{cls.__module__}`)", ""]
        lines += ["| id | keys | what it does |", "|---|---|---|"]
        merged: dict[tuple[str, str], list[str]] = {}
        for b in bindings:
            merged.setdefault((str(b.id), b.description or b.action), []).append(b.key)
        for (binding_id, what), keys in merged.items():
            shown = ", ".join(f"`{key}`" for key in keys)
            lines.append(f"| `{binding_id}` | {shown} | {what} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    from dutyboard.i18n import set_language

    set_language("en")
    print(reference_markdown(), end="")
