"""One _() for every user-facing string, and Chinese for every one of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dutyboard import i18n
from dutyboard.locale import zh_CN

REPO = Path(__file__).resolve().parents[1]
# Strings whose translation lives in a feature's own catalog are merged into zh_CN.
SOURCES = [REPO / "dutyboard", REPO / "widgets"]


def literal_messages() -> dict[str, str]:
    found: dict[str, str] = {}
    for root in SOURCES:
        for path in root.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                    continue
                texts = [
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                where = str(path.relative_to(REPO))
                if node.func.id == "_" and texts and len(texts) == len(node.args):
                    found.setdefault(texts[0], where)
                elif node.func.id == "pgettext" and len(texts) == len(node.args) == 2:
                    # gettext's msgctxt: the catalogue's key is context + "\x04" + text.
                    found.setdefault(f"{texts[0]}\x04{texts[1]}", where)
    return found


def test_every_literal_message_has_a_chinese_translation() -> None:
    missing = {text: where for text, where in literal_messages().items()
               if text not in zh_CN.MESSAGES}  # fmt: skip
    assert not missing, f"untranslated: {missing}"


def test_placeholders_survive_translation() -> None:
    for english, chinese in zh_CN.MESSAGES.items():
        names = sorted(part.split("}")[0] for part in english.split("{")[1:])
        assert names == sorted(part.split("}")[0] for part in chinese.split("{")[1:]), english


def test_status_words_are_translated() -> None:
    from dutyboard.domain.status import LeadStatus, RequestStatus

    for status in [*RequestStatus, *LeadStatus]:
        assert status.value.replace("_", " ") in zh_CN.MESSAGES


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DUTYBOARD_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    try:
        assert i18n.set_language(None) == "zh_CN"
        assert i18n._("LATE") == "逾期"
        assert i18n._("a string nobody translated") == "a string nobody translated"
        assert i18n.set_language("en") == "en"
        assert i18n._("LATE") == "LATE"
        with pytest.raises(ValueError, match="unsupported language 'fr'"):
            i18n.set_language("fr")
    finally:
        i18n.set_language("en")
