"""Every string a user can see has a Simplified Chinese translation.

The strings are collected as makemessages would: every gettext call in the project's Python (labels, choices,
verbose names, messages) and every translate / blocktranslate / _("…") in its templates. With zh-hans active,
each must come back translated; a string left in English shows up on a page as English.
"""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
SINGULAR = {"gettext", "gettext_lazy", "_", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(gettext|pgettext|ngettext|npgettext|_)\(({STRING}(?:\s*,\s*{STRING})*)")
# Strings that are the same in both languages: symbols, formats, names of things.
SAME = {"%(a)s / %(b)s", "Excel", "YAML", "API", "PDF", "ECharts", "ID"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or parts[0] in ("static",) or path.name == "conftest.py":
            continue
        yield path


def _template_files():
    yield from ROOT.rglob("templates/**/*.html")


def _python_strings(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name in SINGULAR and args and args[0]:
            yield None, args[0], node.lineno
        elif name in CONTEXT and len(args) >= 2 and args[0] and args[1]:
            yield args[0], args[1], node.lineno


def _template_strings(path):
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for number, line in enumerate(text.splitlines(), start=1):
        for func, raw in TEMPLATE_CALL.findall(line):
            args = ast.literal_eval(f"({raw},)")
            if func in ("pgettext", "npgettext"):
                yield args[0], args[1], number
            else:
                yield None, args[0], number


def collected():
    for path in _python_files():
        for context, msgid, line in _python_strings(path):
            yield path, line, context, msgid
    for path in _template_files():
        for context, msgid, line in _template_strings(path):
            yield path, line, context, msgid


def needs_translation(msgid: str) -> bool:
    """A string with English words in it; not one made only of symbols, numbers and placeholders."""
    words = re.sub(r"%\(\w+\)[sdfr]|\{[^}]*\}|%[sd]", "", msgid)
    return bool(re.search(r"[A-Za-z]{2,}", words)) and msgid not in SAME


def test_the_collection_finds_python_and_template_strings():
    found = {msgid for _path, _line, _context, msgid in collected()}
    assert "Progress table" in found  # an export title (Python)
    assert "Rules between stars" in found  # a template's translate tag
    assert "Quantitative" in found  # a choice label


@pytest.mark.parametrize("language", ["zh-hans"])
def test_every_user_facing_string_has_a_chinese_translation(language):
    missing = []
    with translation.override(language):
        for path, line, context, msgid in collected():
            if not needs_translation(msgid):
                continue
            text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if text == msgid:
                missing.append(f"{path.relative_to(ROOT)}:{line}: {context + ' | ' if context else ''}{msgid}")
    assert not missing, f"{len(missing)} strings without a translation:\n" + "\n".join(sorted(set(missing)))


def test_words_with_two_meanings_read_right_in_each_place():
    with translation.override("zh-hans"):
        assert translation.pgettext("check-ins", "History") == "打卡历史"
        assert translation.pgettext("target rounds", "History") == "协商记录"
        assert translation.pgettext("campaign status", "Rating") == "评星中"
        assert translation.pgettext("baseline assessment", "Rating") == "评价"
