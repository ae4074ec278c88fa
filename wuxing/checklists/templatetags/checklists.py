"""Template filters of the check-in lists: item states as badges, figures without trailing zeros; the office
tables' rows."""

import re
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from wuxing.core.formatting import plain_number
from wuxing.core.templatetags.wuxing import icon, pct, progress_bar, star_rating, tone_badge

from ..choices import ItemState

register = template.Library()

TONES = {"done": "green", "on_track": "blue", "behind": "amber", "overdue": "red"}


@register.filter
def state_tone(status) -> str:
    return TONES.get(getattr(status, "state", status), "grey")


@register.filter
def state_label(status) -> str:
    try:
        return str(ItemState(getattr(status, "state", status)).label)
    except ValueError:
        return ""


@register.filter
def figure(value) -> str:
    """12.50 → 12.5, 4.00 → 4; None → —."""
    if value is None or value == "":
        return "—"
    return plain_number(value)


@register.filter
def yes_no_done(value) -> str:
    return _("Done") if value else _("Not done yet")


# -------------------------------------------------------------------------------------------------------
# The office tables' repeated rows, written in Python: a row of the progress table or of the dashboard's flagged
# items costs a few string joins instead of dozens of template nodes, lookups and `{% url %}`s. The markup is the
# templates' own (checklists/_progress_table.html, dashboard.html) and the components' (core templatetags
# `wuxing`: star_rating, progress_bar, tone_badge, icon); tests compare it with the templates' rendering.
# -------------------------------------------------------------------------------------------------------

_PK = 987654321987654321
_CODE = "wxRowCodewx"
_PLAIN_CODE = re.compile(r"[A-Za-z0-9_.~-]+")


def _pk_url(viewname: str):
    """pk → reverse(viewname, args=[pk]), from one reverse: an int pk is written as is (IntConverter)."""
    head, mark, tail = reverse(viewname, args=[_PK]).partition(str(_PK))
    if not mark or str(_PK) in tail:
        return lambda pk: reverse(viewname, args=[pk])
    return lambda pk: f"{head}{int(pk)}{tail}"


def _code_url(viewname: str, *args):
    """code → reverse(viewname, args=[*args, code]), from one reverse for codes that reverse() writes as they are
    (letters, digits, - . _ ~); any other code is reversed on its own."""
    head, mark, tail = reverse(viewname, args=[*args, _CODE]).partition(_CODE)
    if not mark or _CODE in tail:
        return lambda code: reverse(viewname, args=[*args, code])
    return lambda code: f"{head}{code}{tail}" if _PLAIN_CODE.fullmatch(code) else reverse(viewname, args=[*args, code])


def _label(message: str) -> str:
    """`{% translate "message" %}` as a template writes it: a literal of the template is safe, so is its
    translation. Callers mark the literal with N_ (gettext_noop) so that makemessages keeps it in the catalog."""
    return mark_safe(_(message))


def _count_badge(count, tone: str) -> str:
    return tone_badge(count, tone) if count else "0"


@register.simple_tag
def progress_table_body(rows, public=False, office=None):
    """The body rows of the progress table (checklists/_progress_table.html): with `public`, the branch links to
    its public report card on `office`'s site, else to its list and report card."""
    if public:
        branch_url, card_url = _code_url("checklists_public:report_card", office.code), None
    else:
        branch_url, card_url = _pk_url("checklists:branch_checklist"), _pk_url("checklists:report_card")
    report_card, no_items = _label(N_("Report card")), _label(N_("No items"))
    secretary, leaders, departments = _label(N_("Secretary")), _label(N_("Leaders")), _label(N_("Departments"))
    stars: dict = {}
    parts = []
    for r in rows:
        branch, progress = r.branch, r.progress
        name = escape(branch.name)
        if public:
            link = f'<a href="{escape(branch_url(branch.code))}">{name}</a>\n          '
        else:
            link = (
                f'<a href="{escape(branch_url(branch.pk))}">{name}</a>\n          <div class="small"><a '
                f'class="text-body-secondary" href="{escape(card_url(branch.pk))}">{report_card}</a></div>'
            )
        if r.target_level is None:
            level = '<span class="text-body-secondary small">—</span>'
        else:
            level = stars.get(r.target_level)
            if level is None:
                level = stars[r.target_level] = star_rating(r.target_level)
        if progress.overall is None:
            overall = f'<span class="text-body-secondary small">{no_items}</span>'
        else:
            overall = progress_bar(progress.overall, branch.name)
        per_star = " ".join(
            f'<span class="wx-nowrap me-2">{escape(star.name)} {"—" if value is None else pct(value)}</span>'
            for star, value in r.stars
        )
        parts.append(
            f'\n      <tr data-branch="{escape(branch.code)}">\n'
            f'        <td><span class="wx-rank">{r.rank or "—"}</span></td>\n'
            f'        <td class="wx-nowrap">\n          {link}\n        </td>\n'
            f"        <td>{level}</td>\n"
            f"        <td>{overall}</td>\n"
            f'        <td class="small d-none d-lg-table-cell">{per_star}</td>\n'
            f'        <td class="text-end d-none d-md-table-cell">{progress.done}/{progress.items}</td>\n'
            f'        <td class="text-end d-none d-md-table-cell">{_count_badge(progress.behind, "amber")}</td>\n'
            f'        <td class="text-end d-none d-md-table-cell">{_count_badge(progress.overdue, "red")}</td>\n'
            f'        <td class="small d-none d-lg-table-cell">\n'
            f"          <div>{secretary}：{escape(r.secretary) if r.secretary else '—'}</div>\n"
            f"          {f'<div>{leaders}：{escape(r.leaders)}</div>' if r.leaders else ''}\n"
            f"          {f'<div>{departments}：{escape(r.departments)}</div>' if r.departments else ''}\n"
            "        </td>\n"
            "      </tr>\n      "
        )
    return mark_safe("".join(parts))


@register.simple_tag
def flagged_sections(groups):
    """The dashboard's folded sections of items behind or overdue, one per branch (dashboard.html; the groups of
    rules.group_flagged_by_branch, each row a selectors.FlaggedRow)."""
    item_url, branch_url = _pk_url("checklists:item_detail"), _pk_url("checklists:branch_checklist")
    overdue_label, behind_label = _label(N_("Overdue")), _label(N_("Behind"))
    chevron = icon("chevron-down", css="wx-group-chevron")
    head = "".join(
        f'<th scope="col"{css}>{_label(message)}</th>'
        for message, css in (
            (N_("Item"), ""),
            (N_("State"), ""),
            (N_("Progress"), ""),
            (N_("Expected"), ' class="d-none d-md-table-cell"'),
            (N_("Due date"), ' class="wx-nowrap"'),
            (N_("Owner"), ' class="d-none d-md-table-cell"'),
        )
    )
    open_list = _label(N_("Open the branch's checklist"))
    badges: dict = {}
    parts = []
    for group in groups:
        branch, overdue, behind = group.branch, group.overdue, group.behind
        counts = (
            (f"{overdue_label} {overdue}" if overdue else "")
            + (" · " if overdue and behind else "")
            + (f"{behind_label} {behind}" if behind else "")
        )
        parts.append(
            f'\n    <details class="wx-group{" wx-group-urgent" if overdue else ""}" data-branch="'
            f'{escape(branch.code)}"{" open" if group.is_open else ""}>\n'
            f'      <summary class="wx-group-summary"><span class="wx-group-label">{escape(branch.name)}</span>\n'
            f'        <span class="badge rounded-pill text-bg-light border">{len(group.rows)}</span>\n'
            f'        <span class="small">{counts}</span>\n'
            f"        {chevron}\n"
            "      </summary>\n"
            '      <div class="table-responsive">\n'
            '        <table class="table table-sm align-middle mb-0">\n'
            f"          <thead><tr>{head}</tr></thead>\n"
            "          <tbody>\n            "
        )
        for row in group.rows:
            status = row.status
            state = status.state
            badge = badges.get(state)
            if badge is None:
                badge = badges[state] = tone_badge(state_label(state), state_tone(state))
            parts.append(
                "\n            <tr>\n"
                f'              <td class="wx-item-title"><a href="{escape(item_url(row.item_id))}">'
                f"{escape(row.title)}</a></td>\n"
                f"              <td>{badge}</td>\n"
                f'              <td>{pct(status.progress)}</td><td class="d-none d-md-table-cell">'
                f"{pct(status.expected)}</td>\n"
                f'              <td class="wx-nowrap">{row.due_date.isoformat()}</td><td class="d-none '
                f'd-md-table-cell">{escape(row.owner) if row.owner else "—"}</td>\n'
                "            </tr>\n            "
            )
        parts.append(
            "\n          </tbody>\n"
            "        </table>\n"
            "      </div>\n"
            f'      <div class="px-3 py-2 small"><a href="{escape(branch_url(branch.pk))}">{open_list}</a></div>\n'
            "    </details>\n  "
        )
    return mark_safe("".join(parts))
