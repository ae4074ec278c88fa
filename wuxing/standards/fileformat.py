"""The standard data file (YAML): parse with line-numbered errors, load as a new version, export back.

A bad file is refused whole: every problem found is reported with its line and field, and nothing is saved.
"""

import hashlib
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from wuxing.core.actors import user_or_none
from wuxing.core.audit import audit_record
from wuxing.org.access import ensure_allowed
from wuxing.org.choices import StarSet

from .choices import STAR_CODES, Comparison, IndicatorKind, RuleKind
from .models import Indicator, Standard, StandardDraft, Star, StarRule
from .rules import RuleData, indicator_diff, star_diff

FORMAT = "wuxing-standard/1"


class StandardFileError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _Map(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Checker:
    def __init__(self):
        self.errors: list[str] = []

    def error(self, mapping, key, where: str, message: str):
        line = getattr(mapping, "key_lines", {}).get(key) or getattr(mapping, "line", 0)
        self.errors.append(
            _("Line %(line)s, %(field)s: %(message)s") % {"line": line, "field": where, "message": message}
        )

    def text(self, m, key, where, required=True, max_length=300):
        value = m.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(m, key, f"{where}.{key}", _("required"))
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.error(m, key, f"{where}.{key}", _("must be text"))
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.error(m, key, f"{where}.{key}", _("longer than %(n)d characters") % {"n": max_length})
        return value

    def boolean(self, m, key, where, default):
        value = m.get(key, default)
        if not isinstance(value, bool):
            self.error(m, key, f"{where}.{key}", _("must be true or false"))
            return default
        return value

    def number(self, m, key, where, required=False, default=None, minimum=None):
        value = m.get(key, default)
        if value is None:
            if required:
                self.error(m, key, f"{where}.{key}", _("required"))
            return None
        if isinstance(value, bool):
            self.error(m, key, f"{where}.{key}", _("must be a number"))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(m, key, f"{where}.{key}", _("must be a number"))
            return None
        if not number.is_finite():
            self.error(m, key, f"{where}.{key}", _("must be a number"))
            return None
        if minimum is not None and number < minimum:
            self.error(m, key, f"{where}.{key}", _("must be at least %(n)s") % {"n": minimum})
        return number

    def choice(self, m, key, where, choices, required=True):
        value = m.get(key)
        if value in (None, ""):
            if required:
                self.error(m, key, f"{where}.{key}", _("required"))
            return ""
        if value not in choices:
            self.error(m, key, f"{where}.{key}", _("must be one of %(choices)s") % {"choices": ", ".join(choices)})
            return ""
        return value

    def mapping(self, parent, key, where, required=True):
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent, key, where, _("required"))
            return None
        if not isinstance(value, dict):
            self.error(parent, key, where, _("must be a mapping"))
            return None
        return value

    def sequence(self, parent, key, where, required=True):
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent, key, where, _("required"))
            return []
        if not isinstance(value, list):
            self.error(parent, key, where, _("must be a list"))
            return []
        return value


def parse_standard(text: str) -> dict:
    """Validate a standard file and return its data as plain dicts, or raise StandardFileError."""
    try:
        doc = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise StandardFileError(
            [_("Line %(line)s: not valid YAML (%(problem)s)") % {"line": line, "problem": getattr(exc, "problem", exc)}]
        ) from exc
    if not isinstance(doc, dict):
        raise StandardFileError(
            [_("Line 1: the file must be a mapping with format, code, version, name and star_sets")]
        )
    c = _Checker()
    if doc.get("format") != FORMAT:
        c.error(doc, "format", "format", _("must be %(format)s") % {"format": FORMAT})
    data = {
        "code": c.text(doc, "code", "", max_length=64),
        "version": c.text(doc, "version", "", max_length=32),
        "name": c.text(doc, "name", "", max_length=200),
        "example": c.boolean(doc, "example", "", False),
        "description": c.text(doc, "description", "", required=False, max_length=5000),
        "star_sets": {},
    }
    sets = c.mapping(doc, "star_sets", "star_sets")
    if sets is not None:
        for set_code in sets:
            if set_code not in StarSet.values:
                c.error(sets, set_code, f"star_sets.{set_code}", _("unknown star set; use rural or urban"))
        for set_code in StarSet.values:
            sdef = c.mapping(sets, set_code, f"star_sets.{set_code}")
            if sdef is None:
                continue
            data["star_sets"][set_code] = _parse_star_set(c, sdef, set_code)
    if c.errors:
        raise StandardFileError(c.errors)
    return data


def _parse_star_set(c: _Checker, sdef, set_code: str) -> dict:
    where = f"star_sets.{set_code}"
    stars = []
    seen_codes, seen_positions = set(), set()
    indicator_codes = set()
    for i, star in enumerate(c.sequence(sdef, "stars", f"{where}.stars")):
        swhere = f"{where}.stars[{i}]"
        if not isinstance(star, dict):
            c.errors.append(
                _("Line %(line)s, %(field)s: must be a mapping")
                % {"line": sdef.key_lines.get("stars", 0), "field": swhere}
            )
            continue
        code = c.choice(star, "code", swhere, STAR_CODES[set_code])
        if code and code in seen_codes:
            c.error(star, "code", f"{swhere}.code", _("duplicate star code"))
        seen_codes.add(code)
        position = c.number(star, "position", swhere, required=True, minimum=1)
        if position is not None and (position > 5 or position != int(position)):
            c.error(star, "position", f"{swhere}.position", _("must be a whole number from 1 to 5"))
        if position in seen_positions:
            c.error(star, "position", f"{swhere}.position", _("duplicate position"))
        seen_positions.add(position)
        indicators = []
        for j, ind in enumerate(c.sequence(star, "indicators", f"{swhere}.indicators")):
            iwhere = f"{swhere}.indicators[{j}]"
            if not isinstance(ind, dict):
                c.errors.append(
                    _("Line %(line)s, %(field)s: must be a mapping")
                    % {"line": star.key_lines.get("indicators", 0), "field": iwhere}
                )
                continue
            icode = c.text(ind, "code", iwhere, max_length=48)
            if icode in indicator_codes:
                c.error(ind, "code", f"{iwhere}.code", _("duplicate indicator code in this star set"))
            indicator_codes.add(icode)
            kind = c.choice(ind, "kind", iwhere, IndicatorKind.values)
            entry = {
                "code": icode,
                "text": c.text(ind, "text", iwhere),
                "kind": kind,
                "unit": c.text(ind, "unit", iwhere, required=False, max_length=20),
                "comparison": "",
                "threshold": None,
                "weight": c.number(ind, "weight", iwhere, default=1, minimum=0),
                "evidence_required": c.boolean(ind, "evidence_required", iwhere, True),
                "responsible_department": c.text(ind, "responsible_department", iwhere, required=False, max_length=100),
                "veto": c.boolean(ind, "veto", iwhere, False),
            }
            if kind == IndicatorKind.QUANTITATIVE:
                entry["comparison"] = (
                    c.choice(ind, "comparison", iwhere, Comparison.values, required=False) or Comparison.GTE
                )
                entry["threshold"] = c.number(ind, "threshold", iwhere, required=True)
                if not entry["unit"]:
                    c.error(ind, "unit", f"{iwhere}.unit", _("required for a quantitative indicator"))
            elif kind == IndicatorKind.YES_NO and ind.get("threshold") is not None:
                c.error(ind, "threshold", f"{iwhere}.threshold", _("a yes/no indicator has no threshold"))
            indicators.append(entry)
        if not indicators and "indicators" in star:
            c.error(star, "indicators", f"{swhere}.indicators", _("a star needs at least one indicator"))
        stars.append(
            {
                "code": code,
                "position": int(position) if position is not None else 0,
                "name": c.text(star, "name", swhere, max_length=50),
                "description": c.text(star, "description", swhere, required=False, max_length=2000),
                "responsible_department": c.text(
                    star, "responsible_department", swhere, required=False, max_length=100
                ),
                "requires_committee_decision": c.boolean(star, "requires_committee_decision", swhere, False),
                "indicators": indicators,
            }
        )
    if len(stars) != 5 and not c.errors:
        c.error(sdef, "stars", f"{where}.stars", _("a star set has exactly 5 stars, found %(n)d") % {"n": len(stars)})
    rules = []
    for k, rule in enumerate(c.sequence(sdef, "rules", f"{where}.rules", required=False)):
        rwhere = f"{where}.rules[{k}]"
        if not isinstance(rule, dict):
            c.errors.append(
                _("Line %(line)s, %(field)s: must be a mapping")
                % {"line": sdef.key_lines.get("rules", 0), "field": rwhere}
            )
            continue
        kind = c.choice(rule, "kind", rwhere, RuleKind.values)
        star = c.choice(rule, "star", rwhere, sorted(seen_codes - {""}))
        entry = {
            "kind": kind,
            "star": star,
            "requires": "",
            "indicator": "",
            "description": c.text(rule, "description", rwhere, required=False),
        }
        if kind == RuleKind.REQUIRES:
            entry["requires"] = c.choice(rule, "requires", rwhere, sorted(seen_codes - {""}))
            if entry["requires"] and entry["requires"] == star:
                c.error(rule, "requires", f"{rwhere}.requires", _("a star cannot require itself"))
        elif kind == RuleKind.VETO:
            entry["indicator"] = c.choice(rule, "indicator", rwhere, sorted(indicator_codes - {""}))
        rules.append(entry)
    return {"stars": stars, "rules": rules}


@transaction.atomic
def standard_load(*, actor, text: str) -> Standard:
    """Parse and store a standard file as a new version; a version already loaded is refused."""
    ensure_allowed(actor, "standards.change_standard", message=_("You may not load standards."))
    data = parse_standard(text)
    if Standard.objects.filter(code=data["code"], version=data["version"]).exists():
        raise StandardFileError(
            [_("Standard %(code)s version %(version)s is already loaded; give the file a new version.") % data]
        )
    standard = Standard.objects.create(
        code=data["code"],
        version=data["version"],
        name=data["name"],
        is_example=data["example"],
        description=data["description"],
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    for set_code, sdata in data["star_sets"].items():
        for star_data in sdata["stars"]:
            star = Star.objects.create(
                standard=standard,
                star_set=set_code,
                position=star_data["position"],
                code=star_data["code"],
                name=star_data["name"],
                description=star_data["description"],
                responsible_department=star_data["responsible_department"],
                requires_committee_decision=star_data["requires_committee_decision"],
            )
            Indicator.objects.bulk_create(
                Indicator(
                    star=star,
                    position=pos,
                    **{k: v for k, v in ind.items() if k != "threshold"},
                    threshold=ind["threshold"],
                )
                for pos, ind in enumerate(star_data["indicators"], start=1)
            )
        StarRule.objects.bulk_create(
            StarRule(
                standard=standard,
                star_set=set_code,
                kind=r["kind"],
                star_code=r["star"],
                requires_star_code=r["requires"],
                indicator_code=r["indicator"],
                description=r["description"],
            )
            for r in sdata["rules"]
        )
    audit_record(
        actor=actor,
        action="standard.load",
        obj=standard,
        after={"code": standard.code, "version": standard.version, "sha256": standard.source_sha256},
    )
    return standard


def _num(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def standard_export(standard: Standard) -> str:
    """The standard as a file in the same format, ready to edit and load again as a new version."""
    sets: dict = {}
    stars = standard.stars.prefetch_related("indicators").order_by("star_set", "position")
    for star in stars:
        sets.setdefault(star.star_set, {"stars": [], "rules": []})
        sets[star.star_set]["stars"].append(
            {
                "code": star.code,
                "position": star.position,
                "name": star.name,
                "description": star.description,
                "responsible_department": star.responsible_department,
                "requires_committee_decision": star.requires_committee_decision,
                "indicators": [
                    {
                        "code": ind.code,
                        "text": ind.text,
                        "kind": ind.kind,
                        **({"unit": ind.unit} if ind.unit else {}),
                        **(
                            {"comparison": ind.comparison, "threshold": _num(ind.threshold)}
                            if ind.kind == IndicatorKind.QUANTITATIVE
                            else {}
                        ),
                        "weight": _num(ind.weight),
                        "evidence_required": ind.evidence_required,
                        "responsible_department": ind.responsible_department,
                        "veto": ind.veto,
                    }
                    for ind in star.indicators.all()
                ],
            }
        )
    for rule in standard.rules.all():
        entry = {"kind": rule.kind, "star": rule.star_code}
        if rule.kind == RuleKind.REQUIRES:
            entry["requires"] = rule.requires_star_code
        else:
            entry["indicator"] = rule.indicator_code
        entry["description"] = rule.description
        sets.setdefault(rule.star_set, {"stars": [], "rules": []})["rules"].append(entry)
    doc = {
        "format": FORMAT,
        "code": standard.code,
        "version": standard.version,
        "name": standard.name,
        "example": standard.is_example,
        "description": standard.description,
        "star_sets": sets,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


def standard_rules(standard: Standard, star_set: str):
    """The standard's rules for one star set, as data for the pure rule functions."""
    return [
        RuleData(
            kind=r.kind,
            star_code=r.star_code,
            requires_star_code=r.requires_star_code,
            indicator_code=r.indicator_code,
            description=r.description,
        )
        for r in standard.rules.filter(star_set=star_set)
    ]


# ---------------------------------------------------------------------------------------------------------
# Comparing a file with the previous version, drafts published after the comparison, the Excel form
# ---------------------------------------------------------------------------------------------------------


def indicators_of(data: dict) -> dict:
    """{(star set, indicator code): fields} of parsed standard data (parse_standard's result)."""
    result = {}
    for set_code, sdata in data["star_sets"].items():
        for star in sdata["stars"]:
            for ind in star["indicators"]:
                result[(set_code, ind["code"])] = {**ind, "star": star["code"]}
    return result


def stars_of(data: dict) -> dict:
    """{(star set, star code): the star's own fields} of parsed standard data."""
    return {
        (set_code, star["code"]): {k: v for k, v in star.items() if k != "indicators"}
        for set_code, sdata in data["star_sets"].items()
        for star in sdata["stars"]
    }


def previous_version(code: str) -> Standard | None:
    """The version of standard `code` loaded last."""
    return Standard.objects.filter(code=code).order_by("-loaded_at", "-pk").first()


def draft_comparison(draft) -> tuple[Standard | None, dict]:
    """The previous version of the draft's standard and what the draft adds, removes and changes; `rows` says it
    in words (star set, indicator text, the fields changed by their names), codes kept for a tooltip only."""
    previous = previous_version(draft.code)
    old_data = parse_standard(standard_export(previous)) if previous else None
    new_data = parse_standard(draft.text)
    old = indicators_of(old_data) if old_data else {}
    new = indicators_of(new_data)
    diff = indicator_diff(old, new)
    old_stars = stars_of(old_data) if old_data else {}
    new_stars = stars_of(new_data)
    diff["stars_changed"] = star_diff(old_stars, new_stars)
    sets = dict(StarSet.choices)

    def row(key, change, fields=()):
        text = (new.get(key) or old.get(key) or {}).get("text") or key[1]
        labels = [str(_field_label(f)) for f in fields]
        return {"set": sets.get(key[0], key[0]), "text": text, "code": key[1], "change": change, "fields": labels}

    diff["rows"] = [
        *(row(k, "added") for k in diff["added"]),
        *(row(k, "removed") for k in diff["removed"]),
        *(row(k, "changed", fields) for k, fields in diff["changed"]),
        *(
            {
                "set": sets.get(k[0], k[0]),
                "text": new_stars[k]["name"],
                "code": k[1],
                "change": "changed",
                "fields": [str(Star._meta.get_field(f).verbose_name) for f in fields],
            }
            for k, fields in diff["stars_changed"]
        ),
    ]
    return previous, diff


def _field_label(name: str):
    try:
        return Indicator._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return {"star": _("star")}.get(name, _("Other"))


@transaction.atomic
def standard_draft_create(*, actor, text: str, name: str = ""):
    """Keep an uploaded standard file, checked whole, to be compared and then published; nothing is loaded."""
    ensure_allowed(actor, "standards.change_standard", message=_("You may not load standards."))
    data = parse_standard(text)
    if Standard.objects.filter(code=data["code"], version=data["version"]).exists():
        raise StandardFileError(
            [_("Standard %(code)s version %(version)s is already loaded; give the file a new version.") % data]
        )
    draft = StandardDraft.objects.create(
        text=text,
        source_name=(name or "standard.yaml")[:200],
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        code=data["code"],
        version=data["version"],
        uploaded_by=user_or_none(actor),
    )
    audit_record(actor=actor, action="standard.draft", obj=draft, after={"code": draft.code, "version": draft.version})
    return draft


@transaction.atomic
def standard_draft_publish(*, actor, draft) -> Standard:
    """Publish a compared draft: it is loaded as a new version (checked again whole)."""
    draft = StandardDraft.objects.select_for_update().get(pk=draft.pk)
    if draft.standard_id:
        raise StandardFileError([_("This file has been published already.")])
    standard = standard_load(actor=actor, text=draft.text)
    draft.standard = standard
    draft.save(update_fields=["standard"])
    return standard


# The Excel form: the same content as the YAML file, one indicator a row.
XLSX_META = [("code", "编码"), ("version", "版本"), ("name", "名称"), ("example", "示例标准"), ("description", "说明")]
XLSX_INDICATORS = [
    ("star_set", "星级类别"),
    ("star_code", "星代码"),
    ("star_position", "星序号"),
    ("star_name", "星名称"),
    ("star_description", "星说明"),
    ("star_department", "星责任部门"),
    ("code", "指标代码"),
    ("text", "指标内容"),
    ("kind", "类型"),
    ("unit", "单位"),
    ("comparison", "比较"),
    ("threshold", "阈值"),
    ("weight", "权重"),
    ("evidence_required", "需要佐证"),
    ("responsible_department", "责任部门"),
    ("veto", "一票否决"),
    # Last, so a form filled in before this column existed still reads (its cells count as "否").
    ("star_committee", "星需两委决议"),
]
XLSX_RULES = [
    ("star_set", "星级类别"),
    ("kind", "规则类型"),
    ("star", "星代码"),
    ("requires", "前置星代码"),
    ("indicator", "指标代码"),
    ("description", "说明"),
]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value.strip() if isinstance(value, str) else value


def _flag(value) -> bool:
    return str(_cell(value)).lower() in ("是", "true", "yes", "1", "y")


def standard_text_from_xlsx(data: bytes) -> str:
    """The YAML text of a standard filled in on the Excel form; parse_standard then checks it like any file."""
    from wuxing.core.xlsx_import import read_sheets

    sheets = read_sheets(
        data,
        {
            "meta": (("标准", "standard"), 2),
            "indicators": (("指标", "indicators"), len(XLSX_INDICATORS)),
            "rules": (("规则", "rules"), len(XLSX_RULES)),
        },
        max_rows=2000,
    )
    meta = {}
    labels = {label: key for key, label in XLSX_META}
    for _number, (label, value) in sheets["meta"]:
        key = labels.get(str(_cell(label)), str(_cell(label)))
        meta[key] = _cell(value)
    sets: dict = {}
    stars: dict = {}
    for _number, row in sheets["indicators"]:
        r = dict(zip([k for k, _label in XLSX_INDICATORS], (_cell(v) for v in row)))
        sdef = sets.setdefault(str(r["star_set"]), {"stars": [], "rules": []})
        key = (str(r["star_set"]), str(r["star_code"]))
        if key not in stars:
            stars[key] = {
                "code": r["star_code"],
                "position": r["star_position"],
                "name": r["star_name"],
                "description": r["star_description"],
                "responsible_department": r["star_department"],
                "requires_committee_decision": _flag(r["star_committee"]),
                "indicators": [],
            }
            sdef["stars"].append(stars[key])
        indicator = {"code": r["code"], "text": r["text"], "kind": r["kind"]}
        if r["unit"] != "":
            indicator["unit"] = r["unit"]
        if r["kind"] == IndicatorKind.QUANTITATIVE:
            indicator["comparison"] = r["comparison"] or Comparison.GTE
            indicator["threshold"] = r["threshold"] if r["threshold"] != "" else None
        indicator.update(
            weight=r["weight"] if r["weight"] != "" else 1,
            evidence_required=_flag(r["evidence_required"]),
            responsible_department=r["responsible_department"],
            veto=_flag(r["veto"]),
        )
        stars[key]["indicators"].append(indicator)
    for _number, row in sheets["rules"]:
        r = dict(zip([k for k, _label in XLSX_RULES], (_cell(v) for v in row)))
        entry = {"kind": r["kind"], "star": r["star"], "description": r["description"]}
        entry["requires" if r["kind"] == RuleKind.REQUIRES else "indicator"] = (
            r["requires"] if r["kind"] == RuleKind.REQUIRES else r["indicator"]
        )
        sets.setdefault(str(r["star_set"]), {"stars": [], "rules": []})["rules"].append(entry)
    doc = {
        "format": FORMAT,
        "code": str(meta.get("code", "")),
        "version": str(meta.get("version", "")),
        "name": meta.get("name", ""),
        "example": _flag(meta.get("example", "")),
        "description": meta.get("description", ""),
        "star_sets": sets,
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120)


def standard_xlsx(standard: Standard) -> bytes:
    """The standard on the Excel form (to edit and upload again as a new version)."""
    import io

    from openpyxl import Workbook

    data = parse_standard(standard_export(standard))
    wb = Workbook()
    ws = wb.active
    ws.title = "标准"
    ws.append(["字段", "值"])
    for key, label in XLSX_META:
        value = data["example"] if key == "example" else data[key]
        ws.append([label, ("是" if value else "否") if key == "example" else value])
    ws = wb.create_sheet("指标")
    ws.append([label for _key, label in XLSX_INDICATORS])
    for set_code, sdata in data["star_sets"].items():
        for star in sdata["stars"]:
            for ind in star["indicators"]:
                ws.append(
                    [
                        set_code,
                        star["code"],
                        star["position"],
                        star["name"],
                        star["description"],
                        star["responsible_department"],
                        ind["code"],
                        ind["text"],
                        ind["kind"],
                        ind["unit"],
                        ind["comparison"],
                        _num(ind["threshold"]),
                        _num(ind["weight"]),
                        "是" if ind["evidence_required"] else "否",
                        ind["responsible_department"],
                        "是" if ind["veto"] else "否",
                        "是" if star["requires_committee_decision"] else "否",
                    ]
                )
    ws = wb.create_sheet("规则")
    ws.append([label for _key, label in XLSX_RULES])
    for set_code, sdata in data["star_sets"].items():
        for rule in sdata["rules"]:
            ws.append([set_code, rule["kind"], rule["star"], rule["requires"], rule["indicator"], rule["description"]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
