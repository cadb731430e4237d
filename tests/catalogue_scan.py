"""Finding user-facing strings that bypass the catalogue (``_()``), with ``ast``.

Shared by the widgets' check (tests/widgets/test_catalogue.py) and the command line's
(tests/test_cli_i18n.py): each names its own places where text reaches a person
("sinks") and its own exceptions; what counts as a word, and how an expression is taken
apart to find its literal text, is the same for both.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

# Not words: ids, CSS classes, key names, formats. A literal made of these is fine.
NOT_WORDS = re.compile(r"^[\s\W\d_]*$|^[a-z0-9_.+-]+:[a-z0-9_.+-]*$")
# The calls that translate their argument.
TRANSLATIONS = frozenset({"_", "pgettext", "ngettext"})


def words(text: str, allowed: Collection[str] = ()) -> bool:
    """True when ``text`` holds letters a reader would want translated."""
    if text in allowed or NOT_WORDS.match(text):
        return False
    return bool(re.search(r"[A-Za-z]{2,}", text))


def is_translation(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in TRANSLATIONS
    )


def untranslated(node: ast.AST, allowed: Collection[str] = ()) -> list[str]:
    """The worded literal parts of an expression shown to the user, outside ``_()``."""
    found: list[str] = []

    def visit(expr: ast.AST) -> None:
        if is_translation(expr):
            return
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            if words(expr.value, allowed):
                found.append(expr.value)
        elif isinstance(expr, ast.JoinedStr):
            for part in expr.values:
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    if words(part.value, allowed):
                        found.append(part.value)
                elif isinstance(part, ast.FormattedValue):
                    visit(part.value)
        elif isinstance(expr, ast.BinOp):
            visit(expr.left)
            visit(expr.right)
        elif isinstance(expr, ast.IfExp):
            visit(expr.body)
            visit(expr.orelse)
        elif isinstance(expr, (ast.Tuple, ast.List)):
            for element in expr.elts:
                visit(element)
        elif (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Attribute)
            and expr.func.attr in {"format", "join"}
        ):
            visit(expr.func.value)  # "…".format(...), " · ".join(...): the receiver

    visit(node)
    return found


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def translated_literals(tree: ast.AST) -> list[str]:
    """Every literal handed to ``_()`` (the catalogue must know each)."""
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
