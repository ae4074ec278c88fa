"""Pure rules of star standards: validating a standard's data and applying prerequisite/veto rules (R2, R3)."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleData:
    kind: str  # "requires" | "veto"
    star_code: str
    requires_star_code: str = ""
    indicator_code: str = ""
    description: str = ""


def apply_star_rules(
    earned: Iterable[str], failed_indicators: Iterable[str], rules: Iterable[RuleData]
) -> tuple[set[str], dict[str, str]]:
    """Stars kept after the standard's rules, and why each lost star was lost.

    A veto rule drops its star when its indicator failed; a prerequisite rule drops a star whose
    required star is not kept. Prerequisites are applied until nothing changes, so chains resolve.
    """
    kept = set(earned)
    failed = set(failed_indicators)
    lost: dict[str, str] = {}
    rules = list(rules)
    for rule in rules:
        if rule.kind == "veto" and rule.star_code in kept and rule.indicator_code in failed:
            kept.discard(rule.star_code)
            lost[rule.star_code] = rule.description or f"veto:{rule.indicator_code}"
    changed = True
    while changed:
        changed = False
        for rule in rules:
            if rule.kind == "requires" and rule.star_code in kept and rule.requires_star_code not in kept:
                kept.discard(rule.star_code)
                lost[rule.star_code] = rule.description or f"requires:{rule.requires_star_code}"
                changed = True
    return kept, lost


def unmet_prerequisites(targeted: Iterable[str], rules: Iterable[RuleData]) -> list[tuple[str, str]]:
    """(star, required star) pairs where a targeted star needs a star that is not targeted."""
    chosen = set(targeted)
    return [
        (r.star_code, r.requires_star_code)
        for r in rules
        if r.kind == "requires" and r.star_code in chosen and r.requires_star_code not in chosen
    ]


def stars_outside_set(star_codes: Iterable[str], allowed_codes: Iterable[str]) -> list[str]:
    """R2: the chosen star codes that are not in the branch's own star set."""
    allowed = set(allowed_codes)
    return [code for code in star_codes if code not in allowed]


def compute_level(star_codes: Iterable[str]) -> int:
    """R1/R4: a level is the number of distinct stars (0–5): the stars confirmed in a rating, or targeted."""
    return min(5, len(set(star_codes)))


# What a change of an indicator is made of, in the order a comparison names them.
INDICATOR_FIELDS = (
    "star",
    "text",
    "kind",
    "unit",
    "comparison",
    "threshold",
    "weight",
    "evidence_required",
    "responsible_department",
    "veto",
)


def indicator_diff(old: dict, new: dict) -> dict:
    """Compare two standards' indicators, each {(star set, indicator code): {field: value}}: which were added,
    removed, and changed (with the fields that differ), each sorted by key."""
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = []
    for key in sorted(set(old) & set(new)):
        fields = [f for f in INDICATOR_FIELDS if _same(old[key].get(f)) != _same(new[key].get(f))]
        if fields:
            changed.append((key, fields))
    return {"added": added, "removed": removed, "changed": changed}


def _same(value):
    """Values compared as the file means them: 4, 4.0 and Decimal("4.00") are one threshold."""
    if isinstance(value, bool) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


# What a change of a star itself is made of (its indicators are compared on their own).
STAR_FIELDS = ("name", "responsible_department", "requires_committee_decision")


def star_diff(old: dict, new: dict) -> list[tuple[tuple[str, str], list[str]]]:
    """The stars present in both standards, each {(star set, star code): {field: value}}, whose own fields
    differ, with those fields, sorted by key."""
    changed = []
    for key in sorted(set(old) & set(new)):
        fields = [f for f in STAR_FIELDS if _same(old[key].get(f)) != _same(new[key].get(f))]
        if fields:
            changed.append((key, fields))
    return changed
