"""The office tables as their pages read and write them (selectors.table_rows, dashboard_page; the tags
progress_table_body and flagged_sections; core.widgets.PlainWidgets) give what the model-instance reads and the templates
gave: the same figures, the same markup to the byte."""

from datetime import date
from types import SimpleNamespace

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from wuxing.checklists import rules, selectors, services
from wuxing.checklists.filtersets import ProgressFilterSet, PublicBoardFilterSet
from wuxing.checklists.forms import PolicyForm
from wuxing.checklists.templatetags.checklists import flagged_sections, progress_table_body
from wuxing.core.actors import SYSTEM
from wuxing.core.widgets import PLAIN_WIDGETS
from wuxing.org.models import Branch

# The markup of the rows as the templates wrote them before the tags (checklists/_progress_table.html's loop and
# dashboard.html's): the tags must write the same.
PROGRESS_ROWS = """{% load wuxing %}{% for r in rows %}
      <tr data-branch="{{ r.branch.code }}">
        <td><span class="wx-rank">{{ r.rank|default:"—" }}</span></td>
        <td class="wx-nowrap">
          {% if public %}<a href="{% url 'checklists_public:report_card' office.code r.branch.code %}">{{ r.branch.name }}</a>
          {% else %}<a href="{% url 'checklists:branch_checklist' r.branch.pk %}">{{ r.branch.name }}</a>
          <div class="small"><a class="text-body-secondary" href="{% url 'checklists:report_card' r.branch.pk %}">{% translate "Report card" %}</a></div>{% endif %}
        </td>
        <td>{% if r.target_level is not None %}{% star_rating r.target_level %}{% else %}<span class="text-body-secondary small">—</span>{% endif %}</td>
        <td>{% if r.progress.overall is None %}<span class="text-body-secondary small">{% translate "No items" %}</span>{% else %}{% progress_bar r.progress.overall r.branch.name %}{% endif %}</td>
        <td class="small d-none d-lg-table-cell">{% for star, value in r.stars %}<span class="wx-nowrap me-2">{{ star.name }} {% if value is None %}—{% else %}{{ value|pct }}{% endif %}</span>{% if not forloop.last %} {% endif %}{% endfor %}</td>
        <td class="text-end d-none d-md-table-cell">{{ r.progress.done }}/{{ r.progress.items }}</td>
        <td class="text-end d-none d-md-table-cell">{% if r.progress.behind %}{% tone_badge r.progress.behind "amber" %}{% else %}0{% endif %}</td>
        <td class="text-end d-none d-md-table-cell">{% if r.progress.overdue %}{% tone_badge r.progress.overdue "red" %}{% else %}0{% endif %}</td>
        <td class="small d-none d-lg-table-cell">
          <div>{% translate "Secretary" %}：{{ r.secretary|default:"—" }}</div>
          {% if r.leaders %}<div>{% translate "Leaders" %}：{{ r.leaders }}</div>{% endif %}
          {% if r.departments %}<div>{% translate "Departments" %}：{{ r.departments }}</div>{% endif %}
        </td>
      </tr>
      {% endfor %}"""

FLAGGED_GROUPS = """{% load wuxing checklists %}{% for group in flagged_groups %}
    <details class="wx-group{% if group.overdue %} wx-group-urgent{% endif %}" data-branch="{{ group.branch.code }}"{% if group.is_open %} open{% endif %}>
      <summary class="wx-group-summary"><span class="wx-group-label">{{ group.branch.name }}</span>
        <span class="badge rounded-pill text-bg-light border">{{ group.rows|length }}</span>
        <span class="small">{% if group.overdue %}{% translate "Overdue" %} {{ group.overdue }}{% endif %}{% if group.overdue and group.behind %} · {% endif %}{% if group.behind %}{% translate "Behind" %} {{ group.behind }}{% endif %}</span>
        {% icon "chevron-down" css="wx-group-chevron" %}
      </summary>
      <div class="table-responsive">
        <table class="table table-sm align-middle mb-0">
          <thead><tr><th scope="col">{% translate "Item" %}</th><th scope="col">{% translate "State" %}</th><th scope="col">{% translate "Progress" %}</th><th scope="col" class="d-none d-md-table-cell">{% translate "Expected" %}</th><th scope="col" class="wx-nowrap">{% translate "Due date" %}</th><th scope="col" class="d-none d-md-table-cell">{% translate "Owner" %}</th></tr></thead>
          <tbody>
            {% for row in group.rows %}
            <tr>
              <td class="wx-item-title"><a href="{% url 'checklists:item_detail' row.item.pk %}">{{ row.item.title }}</a></td>
              <td>{% tone_badge row.status|state_label row.status|state_tone %}</td>
              <td>{{ row.status.progress|pct }}</td><td class="d-none d-md-table-cell">{{ row.status.expected|pct }}</td>
              <td class="wx-nowrap">{{ row.item.due_date|date:"Y-m-d" }}</td><td class="d-none d-md-table-cell">{{ row.item.owner.name|default:"—" }}</td>
            </tr>
            {% endfor %}
          </tbody>
        </table>
      </div>
      <div class="px-3 py-2 small"><a href="{% url 'checklists:branch_checklist' group.branch.pk %}">{% translate "Open the branch's checklist" %}</a></div>
    </details>
  {% endfor %}"""

ODD = "<b>&\"'</b>"


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _progress(overall, **counts):
    return rules.Progress(overall=overall, by_star={}, expected=overall, **counts)


def _table_rows():
    strong, rich = SimpleNamespace(name="支部过硬"), SimpleNamespace(name=ODD)
    return [
        selectors.BranchRow(
            branch=selectors.BranchRef(pk=7, code="T-a1", name="甲一村", sort_order=1, star_set="rural"),
            progress=_progress(0.634, items=8, done=5, behind=2, overdue=1),
            stars=[(strong, 0.5), (rich, None)],
            target_level=3,
            rank=1,
            secretary="甲一书记",
            leaders="甲书记、乙书记",
            departments="党建办",
        ),
        selectors.BranchRow(
            branch=selectors.BranchRef(pk=12, code="T a+2é", name=ODD, sort_order=2, star_set="urban"),
            progress=_progress(None),
            stars=[],
            target_level=None,
            rank=None,
            departments=ODD,
        ),
        selectors.BranchRow(
            branch=selectors.BranchRef(pk=3, code="T-a3", name="甲三安置村", sort_order=3, star_set="rural"),
            progress=_progress(1.0, items=2, done=2),
            stars=[(strong, 1.0)],
            target_level=0,
            rank=2,
            secretary=ODD,
            leaders=ODD,
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("public", [False, True])
def test_the_progress_table_rows_are_written_as_the_template_wrote_them(db, language, public):
    office = SimpleNamespace(code="T41010101")
    rows = _table_rows()
    with translation.override(language):
        expected = _render(PROGRESS_ROWS, rows=rows, public=public, office=office)
        assert progress_table_body(rows, public=public, office=office) == expected


def _flagged(pk, title, due, owner, progress, expected, overdue):
    status = rules.ItemStatus(progress=progress, expected=expected, behind=not overdue, overdue=overdue)
    return selectors.FlaggedRow(item_id=pk, title=title, due_date=due, owner=owner, status=status)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_flagged_sections_are_written_as_the_template_wrote_them(db, language):
    a = selectors.BranchRef(pk=7, code="T-a1", name="甲一村", sort_order=1, star_set="rural")
    b = selectors.BranchRef(pk=8, code=ODD, name=ODD, sort_order=2, star_set="urban")
    flagged = [
        (a, _flagged(31, "召开党员大会", date(2026, 3, 31), "甲一书记", 0.25, 1.0, True)),
        (b, _flagged(32, ODD, date(2026, 6, 30), "", 0.1, 0.5, False)),
        (a, _flagged(33, "整治环境", date(2026, 9, 30), ODD, 0.0, 0.4, False)),
        (b, _flagged(34, "议事", date(2026, 10, 1), "乙", 0.0, 0.3, False)),
    ]
    groups = rules.group_flagged_by_branch(flagged, open_all_up_to=2)
    # The template read the item, its owner and its status from each row as it did from an ItemRow.
    as_items = [
        rules.BranchFlags(
            g.branch,
            [
                SimpleNamespace(
                    item=SimpleNamespace(
                        pk=r.item_id,
                        title=r.title,
                        due_date=r.due_date,
                        owner=SimpleNamespace(name=r.owner) if r.owner else None,
                    ),
                    status=r.status,
                )
                for r in g.rows
            ],
            g.is_open,
        )
        for g in groups
    ]
    with translation.override(language):
        assert flagged_sections(groups) == _render(FLAGGED_GROUPS, flagged_groups=as_items)


# -------------------------------------------------------------------------------------------------------
# The reads: the same figures as progress_rows and dashboard
# -------------------------------------------------------------------------------------------------------


@pytest.fixture
def office(world, make_item):
    from wuxing.targets.services import target_record_past

    a1 = world.org.branches["a1"]
    stars = [world.stars[(a1.star_set, "strong_branch")]]
    target_record_past(actor=SYSTEM, campaign=world.campaign, branch=a1, stars=stars)
    overdue = make_item("a1", target=10, start_date=date(2020, 1, 1), due_date=date(2021, 1, 1))
    services.checkin_record(actor=SYSTEM, item=overdue, value=3)
    behind = make_item("a2", target=10, owner=world.org.leader_a)
    services.checkin_record(actor=SYSTEM, item=behind, value=1)
    done = make_item("a2", star="co_building", target=2, weight=3)
    services.checkin_record(actor=SYSTEM, item=done, value=2)
    return world


def _plain(row):
    return (
        row.branch.pk,
        row.branch.code,
        row.branch.name,
        row.branch.sort_order,
        row.progress.overall,
        row.progress.expected,
        row.progress.items,
        row.progress.done,
        row.progress.behind,
        row.progress.overdue,
        [(star.pk, value) for star, value in row.stars],
        row.target_level,
        row.rank,
        row.secretary,
        row.leaders,
        row.departments,
        row.weight,
    )


def test_table_rows_are_progress_rows_as_values(office):
    from wuxing.org.models import Assignment, Person

    campaign = office.campaign
    # Several assignments of a branch, in their order, once each whatever the joins of a filter.
    a1 = office.org.branches["a1"]
    for name, is_leader in (("丙领导", False), ("乙领导", True), ("甲领导", False)):
        leader = Person.objects.create(office=office.org.office_a, name=name, is_leader=is_leader)
        Assignment.objects.create(branch=a1, leader=leader)
    Assignment.objects.create(branch=a1, department=office.org.dept_a2)
    Assignment.objects.create(branch=a1, department=office.org.dept_a2, active=False)
    branches = Branch.objects.all()
    expected = selectors.progress_rows(campaign=campaign, branches=selectors.branches_of(campaign, branches))
    found = selectors.table_rows(campaign=campaign, branches=branches)
    assert [_plain(r) for r in found] == [_plain(r) for r in expected]
    assert any(r.leaders for r in found) and any(r.secretary for r in found) and any(r.target_level for r in found)
    leader = office.users.leader
    narrowed = Branch.objects.filter(pk__in=[office.org.branches["a2"].pk, office.org.branches["a3"].pk])
    by_department = ProgressFilterSet({"department": office.org.dept_a1.pk}, Branch.objects.all(), user=leader).qs
    for branches in (narrowed, by_department, Branch.objects.all()):
        found = selectors.progress_table_rows(user=leader, campaign=campaign, branches=branches)
        assert [_plain(r) for r in found] == [
            _plain(r) for r in selectors.progress_table(user=leader, campaign=campaign, branches=branches)
        ]
    assert [r.branch.code for r in found] == ["T-a1", "T-a2", "T-a3"]


def test_the_dashboard_page_reads_what_the_dashboard_reads(office):
    user = office.users.leader
    expected = selectors.dashboard(user=user, campaign=office.campaign)
    found = selectors.dashboard_page(user=user, campaign=office.campaign)
    assert [b.pk for b in found.branches] == [b.pk for b in expected.branches]
    assert [(r.branch.pk, r.progress.overall, r.weight, r.rank) for r in found.rows] == [
        (r.branch.pk, r.progress.overall, r.weight, r.rank) for r in expected.rows
    ]
    assert found.trend == expected.trend and found.tolerance == expected.tolerance
    assert len(found.flagged) == 2
    assert [(b.pk, r.item_id, r.title, r.due_date, r.owner, r.status) for b, r in found.flagged] == [
        (
            b.pk,
            r.item.pk,
            r.item.title,
            r.item.due_date,
            r.item.owner.name if r.item.owner_id else "",
            r.status,
        )
        for b, r in expected.flagged
    ]


def test_the_campaign_choices_are_the_begun_campaigns_in_scope(world):
    from wuxing.campaigns.selectors import campaign_list

    user = world.users.district
    expected = [(c.pk, c.name, c.office.name) for c in campaign_list(user=user) if c.status != "preparing"]
    assert selectors.campaign_choices(user=user) == expected and len(expected) == 2


# -------------------------------------------------------------------------------------------------------
# The filters' widgets: PlainWidgets writes what Django's templates write
# -------------------------------------------------------------------------------------------------------


class _Every(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", ODD), ("b", mark_safe("<i>b</i>")), (3, 4)], required=False)
    grouped = forms.ChoiceField(choices=[("x", "X"), (ODD, [("g1", "G1"), ("g2", "G2")])])
    text = forms.CharField(widget=forms.TextInput(attrs={"placeholder": ODD, "autofocus": True, "hidden": False}))
    number = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.5"}), required=False)
    search = forms.CharField(widget=forms.SearchInput(), required=False)


def _widgets(form) -> list[str]:
    return [str(field.as_widget(attrs={"class": "form-select", "aria-invalid": "true"})) for field in form]


@pytest.mark.parametrize(
    "data", [None, {}, {"plain": "a", "grouped": "g2", "text": ODD, "number": "1.5"}, {"plain": "3", "number": "x"}]
)
def test_plain_widgets_write_what_the_widget_templates_write(db, data):
    form, plain = _Every(data), _Every(data, renderer=PLAIN_WIDGETS)
    assert _widgets(plain) == _widgets(form) and isinstance(form.renderer, DjangoTemplates)


@pytest.mark.parametrize(
    "data", [{}, {"q": ODD, "kind": "rural_village", "state": "behind", "sort": "name"}, {"kind": "x", "sort": "y"}]
)
def test_the_office_filters_write_what_the_widget_templates_write(world, data):
    for filterset in (
        ProgressFilterSet(data, Branch.objects.all(), user=world.users.leader),
        PublicBoardFilterSet(data, Branch.objects.all()),
    ):
        form = filterset.display_form() if hasattr(filterset, "display_form") else filterset.form
        form.is_valid()
        assert form.renderer is PLAIN_WIDGETS
        plain = _widgets(form)
        form.renderer = DjangoTemplates()
        assert plain == _widgets(form)
    policy = PolicyForm.for_tolerance(0.1)
    assert str(policy["behind_tolerance"]) == str(
        PolicyForm(initial=policy.initial, renderer=DjangoTemplates())["behind_tolerance"]
    )


def test_the_department_choices_are_the_departments_in_scope(world):
    filterset = ProgressFilterSet(
        {"department": str(world.org.dept_a2.pk)}, Branch.objects.all(), user=world.users.leader
    )
    form = filterset.display_form()
    assert list(form.fields["department"].choices)[1:] == [
        (world.org.dept_a1.pk, world.org.dept_a1.name),
        (world.org.dept_a2.pk, world.org.dept_a2.name),
    ]
    assert f'<option value="{world.org.dept_a2.pk}" selected>' in str(form["department"])
    assert filterset.is_valid() and [b.code for b in filterset.qs] == ["T-a3"]
