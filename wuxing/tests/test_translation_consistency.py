"""One English string, one Chinese translation, whichever catalogue holds it.

Django merges every app's zh_Hans catalogue (LOCALE_PATHS first, then the apps in INSTALLED_APPS order) into
one: when two catalogues translate the same msgid differently, one of them wins on every page, including the
pages of the app whose word lost. A word with two meanings takes a context (pgettext / {% translate … context %})
in one of the places, so that each meaning has its own entry.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file as dicts (msgctxt, msgid, msgstr, fuzzy); obsolete (#~) entries are skipped."""
    entries, current, key, fuzzy = [], {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current:
            entries.append({**current, "fuzzy": fuzzy})
        current, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            key = None
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            key = match.group(1)
            if key == "msgctxt" or (key == "msgid" and "msgid" in current):
                flush()
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    flush()
    return entries


def catalogues():
    yield from sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def translations_by_msgid():
    found = defaultdict(dict)
    for path in catalogues():
        for entry in parse_po(path.read_text(encoding="utf-8")):
            if not entry["msgid"] or entry["fuzzy"]:
                continue
            msgstr = entry.get("msgstr", entry.get("msgstr[0]", ""))
            if msgstr:
                found[(entry.get("msgctxt"), entry["msgid"])][str(path.relative_to(ROOT))] = msgstr
    return found


def test_the_parser_reads_contexts_plurals_and_continued_lines():
    text = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "Branch"\nmsgstr "支部"\n\n'
        'msgctxt "org unit"\nmsgid "Level"\nmsgstr "层级"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "旧"\n\n'
        'msgid ""\n"Long "\n"text"\nmsgstr ""\n"长"\n"文"\n'
    )
    entries = {(e.get("msgctxt"), e["msgid"]): e for e in parse_po(text)}
    assert entries[(None, "Branch")]["msgstr"] == "支部"
    assert entries[("org unit", "Level")]["msgstr"] == "层级"
    assert entries[(None, "Old")]["fuzzy"]
    assert entries[(None, "Long text")]["msgstr"] == "长文"


def test_every_catalogue_is_read():
    found = translations_by_msgid()
    assert len(list(catalogues())) >= 11
    assert len(found) > 1000
    assert set(found[(None, "Branch")]) >= {
        "locale/zh_Hans/LC_MESSAGES/django.po",
        "rating/locale/zh_Hans/LC_MESSAGES/django.po",
    }


def test_one_msgid_has_one_translation_in_every_catalogue():
    conflicts = []
    for (context, msgid), by_catalogue in sorted(translations_by_msgid().items(), key=lambda kv: kv[0][1]):
        if len(set(by_catalogue.values())) > 1:
            where = "; ".join(f"{path.split('/locale')[0] or 'locale'}: {text}" for path, text in by_catalogue.items())
            conflicts.append(f"{context + ' | ' if context else ''}{msgid!r} → {where}")
    assert not conflicts, f"{len(conflicts)} msgids translated differently:\n" + "\n".join(conflicts)


@pytest.mark.parametrize(
    ("context", "msgid", "chinese"),
    [
        # The same English word, two meanings: each reads right where it is used.
        ("import status", "Applied", "已导入"),
        (None, "Applied", "已申报"),
        ("org unit", "Level", "层级"),
        (None, "Level", "星级"),
        ("org unit", "level", "级别"),
        (None, "level", "星级"),
        ("finding", "Description", "问题描述"),
        (None, "Description", "说明"),
        ("rating announcement", "Publish", "公示"),
        (None, "Publish", "发布"),
        ("rectification", "Steps", "办理过程"),
        (None, "Steps", "程序步骤"),
        ("campaign target", "Target", "创建目标"),
        (None, "Target", "目标值"),
        ("resident issue", "Triage", "分拨"),
        (None, "Triage", "研判"),
        ("help request", "asked by", "求助人"),
        (None, "asked by", "申请人"),
        ("rectification", "closed", "销号时间"),
        (None, "closed", "办结时间"),
        ("survey response", "comment", "意见"),
        (None, "comment", "评语"),
        ("accountability", "decision", "处理决定"),
        (None, "decision", "决定"),
        ("baseline", "rating", "摸排结果"),
        (None, "rating", "评星定级"),
        ("rating review", "step", "环节"),
        (None, "step", "步骤"),
        ("year filter", "Show", "查看"),
        (None, "Show", "查看明文"),
        # One meaning: the words that used to lose to another app's catalogue.
        ("supervision", "Title", "名称"),
        (None, "Title", "事项名称"),
        (None, "Campaign", "创建活动"),
        (None, "Deliberation", "民主决策"),
        (None, "Overdue", "已逾期"),
        (None, "Veto", "一票否决"),
    ],
)
def test_each_meaning_reads_right_after_the_catalogues_merge(context, msgid, chinese):
    with translation.override("zh-hans"):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert text == chinese
