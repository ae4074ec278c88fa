"""`manage.py benchmark --ratios`: each main page against hand-written SQL computing the same figures, on the
database that `generate_province` filled (PostgreSQL), in one run; and check-in POSTs against a bare JSON view.

A page is timed in-process through the test Client, signed in as an office leader of the right level (the users
`scale-office`, `scale-district`, `scale-city`, `scale-province`); the SQL is run on the same connection. The
ratio page/SQL is what the tests pin (loosely): it stays put when the machine is slower, and grows when a page
starts reading rows it does not need.

Check-in POSTs are compared with a bare JSON view in this process (the test Client) and, with `--gunicorn`, over
HTTP through one gunicorn serving both (`wuxing.portal.bench_wsgi`, the only place the bare view is mounted
outside this module). `--export` times the Excel table of every branch in scope and its peak memory.
"""

import contextlib
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.views.decorators.csrf import csrf_exempt

from wuxing.campaigns.models import Campaign
from wuxing.checklists.models import ChecklistItem
from wuxing.checklists.rules import DEFAULT_TOLERANCE
from wuxing.org.figures import figures_changed_write, office_figures_changed
from wuxing.org.models import Branch, OrgUnit, User
from wuxing.testing_servers import PROJECT_DIR, free_port, stop, wait_for_port

from . import scale, summary_cache

# --- the bare view, mounted beside the product's URLs for the throughput comparison ------------------------

PRODUCT_URLCONF = settings.ROOT_URLCONF


@csrf_exempt
def bare_json(request):
    """What any Django JSON endpoint costs: the middleware stack, a JSON body parsed, a JSON answer."""
    body = json.loads(request.body or b"{}")
    return JsonResponse({"ok": True, "item": body.get("item")}, status=201)


urlpatterns = [path("__bare__/", bare_json), path("", include(PRODUCT_URLCONF))]


# --- hand-written SQL: the same figures the pages show ---------------------------------------------------
#
# What a DBA would write to produce each page's figures from the same tables: few statements, one round trip each,
# CTEs instead of a query per panel, reading the rows the page needs (an office's campaign, its branches, their
# items and targets) and no others. R10 is computed per item as in `checklists.rules` (item_progress,
# expected_progress, is_behind with the office's tolerance, is_overdue), the ranks as `rules.competition_ranks`.
# The office pages' statements are named (OFFICE_SQL, PROGRESS_SQL, ...) so that tests can compare their figures
# with what the pages' selectors compute (portal/tests/test_ratio_sql.py).

# The office's tolerance (checklists.selectors.tolerance_for); %(tol)s is the default of settings.
TOLERANCE = """tol AS (
  SELECT round(COALESCE((SELECT p.behind_tolerance::float8 FROM checklists_progresspolicy p
                         WHERE p.office_id = %(office)s ORDER BY p.id LIMIT 1), %(tol)s)::numeric, 9) AS t
)"""

# R10 per active item of the campaign (optionally one branch): p progress, e expected, w weight; with the flags.
ITEM_FACTS = """f AS (
  SELECT i.id, i.branch_id, i.star_id, i.due_date, i.weight::float8 AS w,
    CASE WHEN i.kind = 'yes_no' THEN (CASE WHEN i.done THEN 1.0 ELSE 0.0 END)
         WHEN i.current_value IS NULL OR i.target_value IS NULL THEN 0.0
         WHEN i.target_value = i.start_value THEN (CASE WHEN i.current_value >= i.target_value THEN 1.0 ELSE 0.0 END)
         ELSE GREATEST(0.0, LEAST(1.0, (i.current_value::float8 - i.start_value::float8)
                                       / (i.target_value::float8 - i.start_value::float8))) END AS p,
    CASE WHEN i.start_date >= %(today)s THEN 0.0 WHEN i.due_date <= %(today)s THEN 1.0
         ELSE (%(today)s::date - i.start_date)::float8 / (i.due_date - i.start_date) END AS e
  FROM checklists_checklistitem i
  WHERE i.campaign_id = %(campaign)s AND i.retired_at IS NULL {extra}
),
g AS (
  SELECT f.*, (f.due_date < %(today)s AND f.p < 1) AS overdue,
         NOT (f.due_date < %(today)s AND f.p < 1) AND round((f.e - f.p)::numeric, 9) > (SELECT t FROM tol) AS behind
  FROM f
)"""

# The office's branches (retired ones too: a campaign's figures keep them) with secretary, and who is assigned.
OFFICE_BRANCHES = """b AS (
  SELECT b.id, b.code, b.name, b.kind, b.star_set, b.sort_order, b.retired_at, s.name AS secretary
  FROM org_branch b LEFT JOIN org_person s ON s.id = b.secretary_id
  WHERE b.office_id = %(office)s
),
asg AS (
  SELECT a.branch_id, string_agg(d.name, '、' ORDER BY d.code) AS departments,
         string_agg(l.name, '、' ORDER BY l.name) AS leaders
  FROM org_assignment a JOIN b ON b.id = a.branch_id
  LEFT JOIN org_department d ON d.id = a.department_id LEFT JOIN org_person l ON l.id = a.leader_id
  WHERE a.active GROUP BY a.branch_id
)"""

# Each branch's target in the campaign: level, status, its stars (ids in star order, and their names).
TARGETS = """tg AS (
  SELECT t.id, t.branch_id, t.level, t.status,
         array_agg(st.id ORDER BY st.position) FILTER (WHERE st.id IS NOT NULL) AS star_ids,
         string_agg(st.name, '、' ORDER BY st.position) AS star_names
  FROM targets_target t LEFT JOIN targets_target_stars ts ON ts.target_id = t.id
  LEFT JOIN standards_star st ON st.id = ts.star_id
  WHERE t.campaign_id = %(campaign)s GROUP BY t.id
)"""

# Sums per branch and star; per branch; the cells of the progress table (each targeted star of the branch, or
# every star of its set without a target); the row of every branch with its rank.
PROGRESS_CTES = """sums AS (
  SELECT branch_id, star_id, SUM(w) AS w, SUM(w * p) AS wp, SUM(w * e) AS we, COUNT(*) AS n,
         COUNT(*) FILTER (WHERE p >= 1) AS n_done, COUNT(*) FILTER (WHERE behind) AS n_behind,
         COUNT(*) FILTER (WHERE overdue) AS n_overdue
  FROM g GROUP BY branch_id, star_id
),
tot AS (
  SELECT branch_id, SUM(w) AS w, SUM(wp) AS wp, SUM(we) AS we, SUM(n) AS n, SUM(n_done) AS n_done,
         SUM(n_behind) AS n_behind, SUM(n_overdue) AS n_overdue
  FROM sums GROUP BY branch_id
),
cells AS (
  SELECT b.id AS branch_id, st.position, st.code, st.name, s.wp / NULLIF(s.w, 0) AS v
  FROM b JOIN standards_star st ON st.star_set = b.star_set
    AND st.standard_id = (SELECT c.standard_id FROM campaigns_campaign c WHERE c.id = %(campaign)s)
  LEFT JOIN tg ON tg.branch_id = b.id
  LEFT JOIN sums s ON s.branch_id = b.id AND s.star_id = st.id
  WHERE tg.star_ids IS NULL OR st.id = ANY (tg.star_ids)
),
star_cells AS (
  SELECT branch_id, json_agg(json_build_array(code, name, v) ORDER BY position) AS stars FROM cells GROUP BY branch_id
),
brows AS (
  SELECT b.id, b.code, b.name, b.kind, b.sort_order, b.retired_at, b.secretary, asg.departments, asg.leaders,
         COALESCE(NULLIF(tg.level, 0), cardinality(tg.star_ids)) AS target_level,
         tot.wp / NULLIF(tot.w, 0) AS overall, tot.we / NULLIF(tot.w, 0) AS expected, COALESCE(tot.w, 0) AS weight,
         COALESCE(tot.n, 0) AS items, COALESCE(tot.n_done, 0) AS done, COALESCE(tot.n_behind, 0) AS behind,
         COALESCE(tot.n_overdue, 0) AS overdue, sc.stars
  FROM b LEFT JOIN tot ON tot.branch_id = b.id LEFT JOIN asg ON asg.branch_id = b.id
  LEFT JOIN tg ON tg.branch_id = b.id LEFT JOIN star_cells sc ON sc.branch_id = b.id
)"""
RANKED = """SELECT r.*, CASE WHEN r.overall IS NOT NULL
                THEN RANK() OVER (ORDER BY round(r.overall::numeric, 9) DESC NULLS LAST) END AS rank{extra}
FROM brows r ORDER BY r.sort_order, r.code"""


def _with(*ctes) -> str:
    return "WITH " + ",\n".join(ctes) + "\n"


def _progress(extra_columns: str = "") -> str:
    return _with(TOLERANCE, ITEM_FACTS.format(extra=""), OFFICE_BRANCHES, TARGETS, PROGRESS_CTES) + RANKED.format(
        extra=extra_columns
    )


# The campaign as the office pages head it: name, year, status, office, standard, the tolerance, and the campaigns
# the user may switch to (those of the user's unit that have begun).
CAMPAIGN = (
    _with(TOLERANCE)
    + """SELECT c.id, c.name, c.year, c.status, o.name AS office, sd.name AS standard, sd.version, sd.is_example,
       (SELECT t FROM tol) AS tolerance,
       (SELECT json_agg(json_build_array(c2.id, c2.name, c2.year) ORDER BY c2.year DESC, o2.path)
        FROM campaigns_campaign c2 JOIN org_orgunit o2 ON o2.id = c2.office_id
        WHERE o2.path LIKE %(prefix)s AND c2.status <> 'preparing') AS campaigns
FROM campaigns_campaign c JOIN org_orgunit o ON o.id = c.office_id JOIN standards_standard sd ON sd.id = c.standard_id
WHERE c.id = %(campaign)s"""
)

# 进度表 (and the public board): every branch of the office, its targeted stars, overall and expected progress,
# items, done, behind, overdue, rank, target level, secretary, departments and leaders; the table's filter offers
# the office's departments.
PROGRESS_SQL = {
    "campaign": CAMPAIGN.replace(
        "\nFROM campaigns_campaign c JOIN",
        """,
       (SELECT json_agg(json_build_array(d.id, d.name) ORDER BY d.code) FROM org_department d
        WHERE d.office_id = c.office_id AND d.retired_at IS NULL) AS departments
FROM campaigns_campaign c JOIN""",
    ),
    "rows": _progress(),
}

# 全局一张图: the rows above with the office's figures (overall weighted by the branches' weights, the totals) and
# each star's mean over the branches (the chart); every item behind or overdue with its star, owner, indicator and
# branch, overdue first; and the trend at each month end of the year so far (R11: a correction replaces what it
# corrects; an item's figure at a day is its latest live check-in on or before it).
DASHBOARD_SQL = {
    "campaign": CAMPAIGN,
    "rows": _progress(
        """,
       SUM(r.weight * r.overall) FILTER (WHERE r.overall IS NOT NULL) OVER ()
         / NULLIF(SUM(r.weight) FILTER (WHERE r.overall IS NOT NULL) OVER (), 0) AS office_overall,
       SUM(r.items) OVER () AS total_items, SUM(r.done) OVER () AS total_done,
       SUM(r.behind) OVER () AS total_behind, SUM(r.overdue) OVER () AS total_overdue,
       (SELECT json_object_agg(m.name, m.mean) FROM (SELECT c.name, MIN(c.position) AS position, AVG(c.v) AS mean
        FROM cells c WHERE c.v IS NOT NULL GROUP BY c.name ORDER BY 2) m) AS star_means"""
    ),
    "flagged": _with(TOLERANCE, ITEM_FACTS.format(extra=""))
    + """SELECT g.id, g.branch_id, br.name AS branch, i.title, st.name AS star, ow.name AS owner, ind.text AS indicator,
       g.due_date, g.p, g.e, g.overdue
FROM g JOIN checklists_checklistitem i ON i.id = g.id JOIN org_branch br ON br.id = g.branch_id
JOIN standards_star st ON st.id = g.star_id LEFT JOIN org_person ow ON ow.id = i.owner_id
LEFT JOIN standards_indicator ind ON ind.id = i.indicator_id
WHERE g.overdue OR g.behind
ORDER BY g.overdue DESC, g.due_date, br.sort_order, g.id""",
    "trend": """WITH items AS (
  SELECT i.id, i.kind, COALESCE(i.start_value, 0)::float8 AS s, i.target_value::float8 AS t, i.weight::float8 AS w
  FROM checklists_checklistitem i
  WHERE i.campaign_id = %(campaign)s AND i.retired_at IS NULL AND i.weight > 0
),
points AS (
  SELECT %(year)s * 12 + k AS month,
         LEAST((make_date(%(year)s, k, 1) + interval '1 month - 1 day')::date, %(end)s::date) AS day
  FROM generate_series(1, date_part('month', %(end)s::date)::int) AS k
  WHERE %(end)s::date >= make_date(%(year)s, 1, 1)
),
gone AS MATERIALIZED (
  SELECT ci.corrects_id FROM checklists_checkin ci JOIN items ON items.id = ci.item_id
  WHERE ci.corrects_id IS NOT NULL
),
last_of_month AS (
  SELECT DISTINCT ON (ci.item_id, 2) ci.item_id,
         GREATEST(date_part('year', ci.effective_on)::int * 12 + date_part('month', ci.effective_on)::int,
                  %(year)s * 12 + 1) AS month,
         ci.value::float8 AS value, ci.done
  FROM checklists_checkin ci JOIN items ON items.id = ci.item_id
  WHERE ci.effective_on <= %(end)s::date AND ci.id NOT IN (SELECT corrects_id FROM gone)
  ORDER BY ci.item_id, 2, ci.effective_on DESC, ci.id DESC
),
change AS (
  SELECT m.month, i.w * (CASE
      WHEN i.kind = 'yes_no' THEN (CASE WHEN m.done THEN 1.0 ELSE 0.0 END)
      WHEN m.value IS NULL OR i.t IS NULL THEN 0.0
      WHEN i.t = i.s THEN (CASE WHEN m.value >= i.t THEN 1.0 ELSE 0.0 END)
      ELSE GREATEST(0.0, LEAST(1.0, (m.value - i.s) / (i.t - i.s))) END) AS wp, m.item_id
  FROM last_of_month m JOIN items i ON i.id = m.item_id
),
delta AS (
  SELECT month, wp - COALESCE(LAG(wp) OVER (PARTITION BY item_id ORDER BY month), 0) AS d FROM change
)
SELECT pt.day, round((SUM(COALESCE(SUM(delta.d), 0)) OVER (ORDER BY pt.month)
                      / NULLIF((SELECT SUM(w) FROM items), 0))::numeric, 4) AS value
FROM points pt LEFT JOIN delta ON delta.month = pt.month
GROUP BY pt.month, pt.day ORDER BY pt.month""",
}

# 总览 (the office overview): the branch tiles (active branches by kind), the campaign with its quotas, the targets
# panel (each active branch's target: applied, agreed, confirmed level and stars; the quota table: per level the
# quota, applied, agreed, confirmed), the progress panel (the office's overall figure, the first and last three
# branches with their rank, items behind and overdue), 五个一 (assignments, complete, missing per kind),
# supervision (rectifications: all, open, overdue, verified; public reports awaiting triage), the demonstration
# sites with their projects, and the branch table (the first 30 active branches, secretary, departments, leaders).
OFFICE_SQL = {
    "branches": _with(
        TOLERANCE,
        ITEM_FACTS.format(extra=""),
        OFFICE_BRANCHES,
        TARGETS,
        """sums AS (
  SELECT branch_id, SUM(w) AS w, SUM(w * p) AS wp, COUNT(*) FILTER (WHERE behind) AS n_behind,
         COUNT(*) FILTER (WHERE overdue) AS n_overdue
  FROM g GROUP BY branch_id
)""",
    )
    + """SELECT b.id, b.name, b.kind, b.retired_at IS NULL AS active, b.secretary, asg.departments, asg.leaders,
       tg.id AS target_id, tg.level, tg.status, tg.star_names,
       s.wp / NULLIF(s.w, 0) AS overall, COALESCE(s.w, 0) AS weight,
       COALESCE(s.n_behind, 0) AS behind, COALESCE(s.n_overdue, 0) AS overdue,
       CASE WHEN s.w > 0 THEN RANK() OVER (ORDER BY round((s.wp / NULLIF(s.w, 0))::numeric, 9) DESC NULLS LAST) END
         AS rank,
       COUNT(*) FILTER (WHERE b.retired_at IS NULL) OVER (PARTITION BY b.kind) AS of_kind,
       COUNT(*) FILTER (WHERE b.retired_at IS NULL) OVER () AS branches,
       SUM(s.wp) FILTER (WHERE s.w > 0) OVER () / NULLIF(SUM(s.w) FILTER (WHERE s.w > 0) OVER (), 0) AS office_overall,
       SUM(s.n_behind) OVER () AS office_behind, SUM(s.n_overdue) OVER () AS office_overdue
FROM b LEFT JOIN sums s ON s.branch_id = b.id LEFT JOIN asg ON asg.branch_id = b.id
LEFT JOIN tg ON tg.branch_id = b.id
ORDER BY b.sort_order, b.code""",
    "campaign": """WITH q AS (SELECT level, count FROM campaigns_quota WHERE campaign_id = %(campaign)s),
t AS (SELECT level, status FROM targets_target WHERE campaign_id = %(campaign)s AND level IS NOT NULL AND level > 0),
levels AS (SELECT level FROM q UNION SELECT level FROM t)
SELECT c.id, c.name, c.year, c.status, o.name AS office, sd.name AS standard, sd.version, sd.is_example,
       lv.level, COALESCE((SELECT q.count FROM q WHERE q.level = lv.level), 0) AS quota,
       (SELECT COUNT(*) FROM t WHERE t.level = lv.level AND t.status <> 'draft') AS applied,
       (SELECT COUNT(*) FROM t WHERE t.level = lv.level AND t.status IN ('agreed', 'confirmed')) AS agreed,
       (SELECT COUNT(*) FROM t WHERE t.level = lv.level AND t.status = 'confirmed') AS confirmed
FROM campaigns_campaign c JOIN org_orgunit o ON o.id = c.office_id JOIN standards_standard sd ON sd.id = c.standard_id
LEFT JOIN levels lv ON true
WHERE c.id = %(campaign)s ORDER BY lv.level DESC""",
    "panels": """WITH kinds AS (
  SELECT ca.id,
         bool_or(a.kind = 'party_lecture') AS party_lecture, bool_or(a.kind = 'heart_talk') AS heart_talk,
         bool_or(a.kind = 'work_meeting') AS work_meeting, bool_or(a.kind = 'checkin_list') AS checkin_list,
         bool_or(a.kind = 'target_assessment') AS target_assessment
  FROM liaison_campaignassignment ca JOIN org_assignment oa ON oa.id = ca.assignment_id
  JOIN org_branch b ON b.id = oa.branch_id LEFT JOIN liaison_activity a ON a.campaign_assignment_id = ca.id
  WHERE ca.campaign_id = %(campaign)s AND b.office_id = %(office)s GROUP BY ca.id
),
five AS (
  SELECT COUNT(*) AS total,
         COUNT(*) FILTER (WHERE party_lecture AND heart_talk AND work_meeting AND checkin_list AND target_assessment)
           AS complete,
         COUNT(*) FILTER (WHERE party_lecture IS NOT TRUE) AS no_party_lecture,
         COUNT(*) FILTER (WHERE heart_talk IS NOT TRUE) AS no_heart_talk,
         COUNT(*) FILTER (WHERE work_meeting IS NOT TRUE) AS no_work_meeting,
         COUNT(*) FILTER (WHERE checkin_list IS NOT TRUE) AS no_checkin_list,
         COUNT(*) FILTER (WHERE target_assessment IS NOT TRUE) AS no_target_assessment
  FROM kinds
),
rect AS (
  SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE r.state <> 'verified') AS open,
         COUNT(*) FILTER (WHERE r.due_on < %(today)s AND r.state <> 'verified') AS overdue,
         COUNT(*) FILTER (WHERE r.state = 'verified') AS verified
  FROM supervision_rectification r JOIN supervision_finding fd ON fd.id = r.finding_id
  JOIN org_branch b ON b.id = fd.branch_id
  WHERE fd.campaign_id = %(campaign)s AND b.office_id = %(office)s
)
SELECT five.*, rect.total AS rectifications, rect.open, rect.overdue, rect.verified,
       (SELECT COUNT(*) FROM supervision_finding fd JOIN org_branch b ON b.id = fd.branch_id
        WHERE fd.campaign_id = %(campaign)s AND b.office_id = %(office)s AND fd.deleted_at IS NULL
          AND fd.triage = 'pending') AS pending_reports
FROM five, rect""",
    "sites": """SELECT ds.id, br.name AS branch, ds.feature, ld.name AS leader, ds.claimed_on,
       (SELECT json_agg(json_build_array(fp.title, fp.status, m.total, m.done) ORDER BY fp.id)
        FROM showcase_featureproject fp
        LEFT JOIN LATERAL (SELECT COUNT(*) AS total, COUNT(ms.done_on) AS done FROM showcase_milestone ms
                           WHERE ms.project_id = fp.id) m ON true
        WHERE fp.site_id = ds.id) AS projects
FROM showcase_demosite ds JOIN org_branch br ON br.id = ds.branch_id LEFT JOIN org_person ld ON ld.id = ds.leader_id
WHERE ds.campaign_id = %(campaign)s AND br.office_id = %(office)s
ORDER BY br.sort_order, br.code""",
}

# 支部页面 (the branch page): the branch's facts with its secretary, departments and leaders and the stars of its
# set; its progress overall and per star with its target (level, status, stars), the plan (measures, milestones,
# the next one, the letter in force) and 晋位提升 (last year's rated level, this year's); its assignments with their
# 五个一 counts and its findings; the site; supervision (findings accepted, rectifications open, verified, overdue,
# the first five open, the latest observation scored and the branch's place in it); its rating with each star's
# state, evidence and withdrawals, and the warnings; the deliberations in progress with their steps; and the
# office's departments and leaders (the assignment form).
BRANCH_SQL = {
    "branch": """SELECT br.id, br.code, br.name, br.kind, br.star_set, br.party_members, br.representatives,
       br.households, br.adult_population, o.name AS office, s.name AS secretary, s.phone,
       (SELECT json_agg(json_build_array(d.name, l.name, a.since) ORDER BY d.code, l.name)
        FROM org_assignment a LEFT JOIN org_department d ON d.id = a.department_id
        LEFT JOIN org_person l ON l.id = a.leader_id WHERE a.branch_id = br.id AND a.active) AS assignments,
       (SELECT json_agg(json_build_array(st.code, st.name) ORDER BY st.position) FROM standards_star st
        WHERE st.standard_id = c.standard_id AND st.star_set = br.star_set) AS stars,
       (SELECT json_agg(json_build_array(d.id, d.name) ORDER BY d.code) FROM org_department d
        WHERE d.office_id = br.office_id AND d.retired_at IS NULL) AS departments,
       (SELECT json_agg(json_build_array(p.id, p.name) ORDER BY p.name) FROM org_person p
        WHERE p.office_id = br.office_id AND p.is_leader AND p.retired_at IS NULL) AS leaders,
       c.name AS campaign, c.year, c.status
FROM org_branch br JOIN org_orgunit o ON o.id = br.office_id LEFT JOIN org_person s ON s.id = br.secretary_id
JOIN campaigns_campaign c ON c.id = %(campaign)s
WHERE br.id = %(branch)s""",
    "progress": _with(
        TOLERANCE,
        ITEM_FACTS.format(extra="AND i.branch_id = %(branch)s"),
        """sums AS (
  SELECT star_id, SUM(w) AS w, SUM(w * p) AS wp, SUM(w * e) AS we, COUNT(*) AS n,
         COUNT(*) FILTER (WHERE p >= 1) AS n_done, COUNT(*) FILTER (WHERE behind) AS n_behind,
         COUNT(*) FILTER (WHERE overdue) AS n_overdue
  FROM g GROUP BY star_id
),
tgt AS (
  SELECT t.id, t.level, t.status, array_agg(ts.star_id) FILTER (WHERE ts.star_id IS NOT NULL) AS star_ids
  FROM targets_target t LEFT JOIN targets_target_stars ts ON ts.target_id = t.id
  WHERE t.campaign_id = %(campaign)s AND t.branch_id = %(branch)s GROUP BY t.id
)""",
    )
    + """SELECT (SELECT SUM(wp) / NULLIF(SUM(w), 0) FROM sums) AS overall,
       (SELECT SUM(we) / NULLIF(SUM(w), 0) FROM sums) AS expected,
       (SELECT json_build_array(SUM(n), SUM(n_done), SUM(n_behind), SUM(n_overdue)) FROM sums) AS counts,
       (SELECT json_agg(json_build_array(st.code, st.name, s.wp / NULLIF(s.w, 0)) ORDER BY st.position)
        FROM standards_star st LEFT JOIN sums s ON s.star_id = st.id
        WHERE st.id IN (SELECT star_id FROM sums UNION SELECT unnest(star_ids) FROM tgt)) AS by_star,
       tgt.id AS target_id, tgt.level, tgt.status,
       (SELECT json_agg(json_build_array(st.code, st.name) ORDER BY st.position) FROM standards_star st
        WHERE st.id = ANY (tgt.star_ids)) AS target_stars,
       (SELECT COUNT(*) FROM plans_planmeasure pm WHERE pm.target_id = tgt.id) AS measures,
       (SELECT COUNT(*) FROM plans_planmilestone ml JOIN plans_planmeasure pm ON pm.id = ml.measure_id
        WHERE pm.target_id = tgt.id) AS milestones,
       (SELECT json_build_array(ml.title, ml.due_on) FROM plans_planmilestone ml
        JOIN plans_planmeasure pm ON pm.id = ml.measure_id
        WHERE pm.target_id = tgt.id AND ml.due_on >= %(today)s ORDER BY ml.due_on, ml.id LIMIT 1) AS next_milestone,
       (SELECT json_agg(json_build_array(pl.number, pl.status) ORDER BY pl.number DESC) FROM plans_pledge pl
        WHERE pl.target_id = tgt.id) AS pledges,
       (SELECT r.level FROM campaigns_campaignresult r JOIN campaigns_campaign pc ON pc.id = r.campaign_id
        WHERE r.branch_id = %(branch)s AND pc.office_id = %(office)s AND pc.year = %(year)s - 1) AS last_level,
       (SELECT r.level FROM campaigns_campaignresult r
        WHERE r.branch_id = %(branch)s AND r.campaign_id = %(campaign)s) AS rated_level
FROM (SELECT 1) one LEFT JOIN tgt ON true""",
    "liaison": """SELECT 'assignment' AS row, ca.id, d.name AS department, l.name AS leader,
       json_build_array(COUNT(a.id) FILTER (WHERE a.kind = 'party_lecture'),
                        COUNT(a.id) FILTER (WHERE a.kind = 'heart_talk'),
                        COUNT(a.id) FILTER (WHERE a.kind = 'work_meeting'),
                        COUNT(a.id) FILTER (WHERE a.kind = 'checkin_list'),
                        COUNT(a.id) FILTER (WHERE a.kind = 'target_assessment')) AS detail,
       ca.pledged_people::text AS a, ca.delivered_people::text AS b
FROM liaison_campaignassignment ca JOIN org_assignment oa ON oa.id = ca.assignment_id
LEFT JOIN org_department d ON d.id = oa.department_id LEFT JOIN org_person l ON l.id = oa.leader_id
LEFT JOIN liaison_activity a ON a.campaign_assignment_id = ca.id
WHERE ca.campaign_id = %(campaign)s AND oa.branch_id = %(branch)s
GROUP BY ca.id, d.name, d.code, l.name
UNION ALL
SELECT 'finding', lf.id, lf.kind, st.name, json_build_array(lf.found_on, lf.source), lf.text, NULL
FROM liaison_finding lf LEFT JOIN standards_star st ON st.id = lf.star_id
WHERE lf.campaign_id = %(campaign)s AND lf.branch_id = %(branch)s""",
    "supervision": """WITH rect AS (
  SELECT r.id, r.task, r.due_on, r.state, fd.description
  FROM supervision_rectification r JOIN supervision_finding fd ON fd.id = r.finding_id
  WHERE fd.campaign_id = %(campaign)s AND fd.branch_id = %(branch)s
),
obs AS (
  SELECT ob.id, ob.title, ob.held_on FROM supervision_observation ob
  WHERE ob.campaign_id = %(campaign)s
    AND EXISTS (SELECT 1 FROM supervision_routestop rs WHERE rs.observation_id = ob.id AND rs.branch_id = %(branch)s)
    AND EXISTS (SELECT 1 FROM supervision_scorecard sc WHERE sc.observation_id = ob.id AND sc.submitted_at IS NOT NULL)
  ORDER BY ob.held_on DESC, ob.id DESC LIMIT 1
),
scores AS (
  SELECT sc.branch_id, AVG(sc.total) AS mean FROM supervision_scorecard sc
  WHERE sc.observation_id = (SELECT id FROM obs) AND sc.submitted_at IS NOT NULL GROUP BY sc.branch_id
)
SELECT (SELECT COUNT(*) FROM supervision_finding fd WHERE fd.campaign_id = %(campaign)s
          AND fd.branch_id = %(branch)s AND fd.deleted_at IS NULL AND fd.triage = 'accepted') AS findings,
       (SELECT COUNT(*) FROM rect WHERE state <> 'verified') AS open,
       (SELECT COUNT(*) FROM rect WHERE state = 'verified') AS verified,
       (SELECT COUNT(*) FROM rect WHERE state <> 'verified' AND due_on < %(today)s) AS overdue,
       (SELECT json_agg(json_build_array(x.task, x.due_on, x.state, x.description) ORDER BY x.due_on, x.id)
        FROM (SELECT * FROM rect WHERE state <> 'verified' ORDER BY due_on, id LIMIT 5) x) AS first_open,
       (SELECT json_build_array(title, held_on) FROM obs) AS observation,
       (SELECT 1 + COUNT(*) FROM scores s WHERE s.mean > (SELECT mean FROM scores WHERE branch_id = %(branch)s))
         AS place""",
    "rating": """SELECT rt.id, rt.level, rt.submitted_at, rt.committee_decided_on, rt.publicity_start, rt.publicity_end,
       rt.named_on,
       (SELECT json_agg(json_build_array(st.code, st.name, rs.claimed, rs.state, rs.result,
                          (SELECT COUNT(*) FROM rating_starevidence ev WHERE ev.rating_star_id = rs.id),
                          (SELECT json_agg(json_build_array(w.state, w.started_at) ORDER BY w.started_at DESC, w.id DESC)
                           FROM rating_withdrawal w WHERE w.rating_star_id = rs.id)) ORDER BY st.position)
        FROM rating_ratingstar rs JOIN standards_star st ON st.id = rs.star_id WHERE rs.rating_id = rt.id) AS stars,
       (SELECT json_agg(json_build_array(sw.cause, st.name, sw.raised_on, sw.notified)
                        ORDER BY sw.raised_on DESC, sw.id DESC)
        FROM rating_starwarning sw JOIN standards_star st ON st.id = sw.star_id
        WHERE sw.campaign_id = %(campaign)s AND sw.branch_id = %(branch)s) AS warnings,
       (SELECT json_agg(json_build_array(ds.feature, ld.name, ds.claimed_on)) FROM showcase_demosite ds
        LEFT JOIN org_person ld ON ld.id = ds.leader_id
        WHERE ds.campaign_id = %(campaign)s AND ds.branch_id = %(branch)s) AS site,
       (SELECT json_agg(json_build_array(dl.subject, dl.procedure, dl.created_at,
                          (SELECT json_agg(json_build_array(s.step, s.merged)) FROM deliberations_deliberationstep s
                           WHERE s.deliberation_id = dl.id)) ORDER BY dl.created_at DESC, dl.id DESC)
        FROM deliberations_deliberation dl WHERE dl.branch_id = %(branch)s AND dl.status = 'open') AS deliberations
FROM (SELECT 1) one
LEFT JOIN rating_rating rt ON rt.campaign_id = %(campaign)s AND rt.branch_id = %(branch)s""",
}

# The public board: the progress table's rows (without who is assigned: names only), ranked among all the office's
# branches; the office and its campaign.
BOARD_SQL = {"campaign": CAMPAIGN, "rows": _progress()}

# R10 per item over the campaigns of a subtree (the summaries across offices), and their other figures.
FACTS = """
WITH f AS (
  SELECT i.id, i.campaign_id, i.branch_id, i.star_id, i.due_date, i.weight::float8 AS w,
    CASE WHEN i.kind = 'yes_no' THEN (CASE WHEN i.done THEN 1.0 ELSE 0.0 END)
         WHEN i.current_value IS NULL OR i.target_value IS NULL THEN 0.0
         WHEN i.target_value = i.start_value THEN (CASE WHEN i.current_value >= i.target_value THEN 1.0 ELSE 0.0 END)
         ELSE GREATEST(0.0, LEAST(1.0, (i.current_value::float8 - i.start_value::float8)
                                       / (i.target_value::float8 - i.start_value::float8))) END AS p,
    CASE WHEN i.start_date >= %(today)s THEN 0.0 WHEN i.due_date <= %(today)s THEN 1.0
         ELSE (%(today)s::date - i.start_date)::float8 / (i.due_date - i.start_date) END AS e
  FROM checklists_checklistitem i
  {join}
  WHERE i.retired_at IS NULL AND {where}
)
"""
SUMS = """
SELECT {group}, SUM(w), SUM(w * p), SUM(w * e), COUNT(*), COUNT(*) FILTER (WHERE p >= 1),
       COUNT(*) FILTER (WHERE NOT (due_date < %(today)s AND p < 1) AND round((e - p)::numeric, 9) > %(tol)s),
       COUNT(*) FILTER (WHERE due_date < %(today)s AND p < 1)
FROM f GROUP BY {group}
"""
SUBTREE_JOIN = "JOIN campaigns_campaign c ON c.id = i.campaign_id JOIN org_orgunit o ON o.id = c.office_id"
SUBTREE_SCOPE = "c.year = %(year)s AND o.path LIKE %(prefix)s"

# The other figures of the summary across offices, for the campaigns of the year under a unit.
CAMPAIGNS_IN = "JOIN campaigns_campaign c ON c.id = {alias}.campaign_id JOIN org_orgunit o ON o.id = c.office_id"
SUMMARY_FIGURES = [
    # campaigns and their quotas
    "SELECT c.id, c.office_id, q.level, q.count FROM campaigns_campaign c JOIN org_orgunit o ON o.id = c.office_id "
    "LEFT JOIN campaigns_quota q ON q.campaign_id = c.id WHERE " + SUBTREE_SCOPE,
    # targets agreed (or confirmed) and confirmed
    "SELECT t.campaign_id, COUNT(*) FILTER (WHERE t.status IN ('agreed', 'confirmed')), "
    "COUNT(*) FILTER (WHERE t.status = 'confirmed') FROM targets_target t "
    + CAMPAIGNS_IN.format(alias="t")
    + " WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY t.campaign_id",
    # 五个一: assignments with all five kinds recorded, and all assignments
    "SELECT ca.campaign_id, COUNT(*) FILTER (WHERE k.kinds = 5), COUNT(*) FROM liaison_campaignassignment ca "
    + CAMPAIGNS_IN.format(alias="ca")
    + " LEFT JOIN (SELECT a.campaign_assignment_id, COUNT(DISTINCT a.kind) AS kinds FROM liaison_activity a "
    "GROUP BY a.campaign_assignment_id) k ON k.campaign_assignment_id = ca.id WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY ca.campaign_id",
    # rating results by level
    "SELECT r.campaign_id, r.level, COUNT(*) FROM campaigns_campaignresult r "
    + CAMPAIGNS_IN.format(alias="r")
    + " WHERE "
    + SUBTREE_SCOPE
    + " GROUP BY r.campaign_id, r.level",
    # branches
    "SELECT b.office_id, COUNT(*) FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id "
    "WHERE o.path LIKE %(prefix)s AND b.retired_at IS NULL GROUP BY b.office_id",
]


def _facts(where, join=""):
    return FACTS.format(where=where, join=join)


SQL = {
    "office": list(OFFICE_SQL.values()),
    "progress": list(PROGRESS_SQL.values()),
    "dashboard": list(DASHBOARD_SQL.values()),
    "branch": list(BRANCH_SQL.values()),
    "board": list(BOARD_SQL.values()),
    "subtree": [
        _facts(SUBTREE_SCOPE, SUBTREE_JOIN) + SUMS.format(group="campaign_id"),
        "SELECT o.id, o.code, o.name, o.level FROM org_orgunit o WHERE o.path LIKE %(prefix)s ORDER BY o.path",
        *SUMMARY_FIGURES,
    ],
    # The API's pages of 100 with every field they return, and the count.
    "api_branches": [
        """WITH page AS (
  SELECT b.*, o.code AS office, o.name AS office_name FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id
  WHERE o.path LIKE %(prefix)s ORDER BY b.office_id, b.sort_order, b.code LIMIT 100
),
asg AS (
  SELECT a.branch_id, array_agg(d.name ORDER BY d.code) FILTER (WHERE d.id IS NOT NULL) AS departments,
         array_agg(l.name ORDER BY l.name) FILTER (WHERE l.id IS NOT NULL) AS leaders
  FROM org_assignment a JOIN page ON page.id = a.branch_id
  LEFT JOIN org_department d ON d.id = a.department_id LEFT JOIN org_person l ON l.id = a.leader_id
  WHERE a.active GROUP BY a.branch_id
)
SELECT page.*, s.name AS secretary, s.position, s.phone, asg.departments, asg.leaders
FROM page LEFT JOIN org_person s ON s.id = page.secretary_id LEFT JOIN asg ON asg.branch_id = page.id
ORDER BY page.office_id, page.sort_order, page.code""",
        "SELECT COUNT(*) FROM org_branch b JOIN org_orgunit o ON o.id = b.office_id WHERE o.path LIKE %(prefix)s",
    ],
    "api_checkins": [
        """WITH page AS (
  SELECT ci.* FROM checklists_checkin ci JOIN checklists_checklistitem i ON i.id = ci.item_id
  JOIN org_branch b ON b.id = i.branch_id JOIN org_orgunit o ON o.id = b.office_id
  WHERE o.path LIKE %(prefix)s ORDER BY ci.effective_on DESC, ci.id DESC LIMIT 100
)
SELECT page.*, EXISTS (SELECT 1 FROM checklists_checkin c2 WHERE c2.corrects_id = page.id) AS superseded,
       (SELECT json_agg(json_build_array(ev.id, ev.original_name, ev.content_type, ev.size, ev.sha256, ev.published)
                        ORDER BY ev.id)
        FROM checklists_checkinevidence ev WHERE ev.checkin_id = page.id) AS evidence
FROM page ORDER BY page.effective_on DESC, page.id DESC""",
        "SELECT COUNT(*) FROM checklists_checkin ci JOIN checklists_checklistitem i ON i.id = ci.item_id "
        "JOIN org_branch b ON b.id = i.branch_id JOIN org_orgunit o ON o.id = b.office_id "
        "WHERE o.path LIKE %(prefix)s",
    ],
}


def _ratio(page: float, sql: float) -> float:
    return page / sql if sql else float("inf")


@dataclass
class Result:
    """A page against its SQL. `ratio` is the least CPU time of the page over its SQL's (this thread + the database
    backend: load-robust, see least_times), or of wall times where the backend's CPU cannot be read (`clock`);
    `wall_ratio` is the ratio of median wall times, as the earlier tables gave it."""

    label: str
    url: str
    page_ms: float  # median wall time
    sql_ms: float
    queries: int
    status: int
    page_cpu_ms: float = 0.0  # least CPU time (or least wall time when clock == "wall")
    sql_cpu_ms: float = 0.0
    clock: str = "cpu"

    @property
    def ratio(self) -> float:
        return _ratio(self.page_cpu_ms, self.sql_cpu_ms)

    @property
    def wall_ratio(self) -> float:
        return _ratio(self.page_ms, self.sql_ms)


def _run_sql(statements, params):
    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


# --- a measure that holds under load: CPU time of the process and of its database backend -------------------
#
# On a loaded machine wall times do not compare: a page is 20–80 ms of Python that the scheduler preempts many
# times (at a load average of 12 on two cores it gets a sixth of a core), while 1–3 ms of SQL often runs within one
# time slice, so the best of a few wall times of the SQL stays near its quiet value and the page's does not: the
# ratio of best wall times grew ten-fold under load. CPU time is what each costs the server whatever else runs:
# this thread's (time.thread_time: the view, the ORM, the templates, psycopg) plus the PostgreSQL backend's serving
# this connection (its sum_exec_runtime from /proc/<pid>/schedstat, in nanoseconds; the backend is idle — blocked on
# its socket — when read, so the figure is current). It counts the same things for the page and for its SQL.
# Where the database is not on this machine (or /proc is not readable), wall time is used instead. Not counted:
# parallel query workers (none at the office pages' sizes; the province summaries' item scan uses two).


def backend_clock():
    """A function returning the CPU seconds this connection's PostgreSQL backend has used, or None when the backend
    is not a process of this machine."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    proc = Path(f"/proc/{pid}")
    try:
        if (proc / "comm").read_text().strip() != "postgres":
            return None
        int((proc / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None

    def read() -> float:
        if connection.connection is None or connection.connection.info.backend_pid != pid:
            raise LookupError("the connection changed")
        return int((proc / "schedstat").read_text().split()[0]) / 1e9

    return read


@dataclass
class Timing:
    """The least time of several runs of a page and of its SQL, in alternating rounds (milliseconds)."""

    page_ms: float  # least CPU time (this thread + the database backend), or wall time when clock == "wall"
    sql_ms: float
    page_wall_ms: float  # least wall time
    sql_wall_ms: float
    clock: str  # "cpu" or "wall"
    rounds: int
    page_median_ms: float = 0.0  # median wall time
    sql_median_ms: float = 0.0

    @property
    def ratio(self) -> float:
        return _ratio(self.page_ms, self.sql_ms)

    @property
    def wall_ratio(self) -> float:
        return _ratio(self.page_wall_ms, self.sql_wall_ms)


def _sample(fn, backend):
    """(CPU seconds, wall seconds) of one call; CPU None when the backend's clock cannot be read."""
    try:
        db0 = backend() if backend else None
    except LookupError:
        db0 = None
    c0, w0 = time.thread_time(), time.perf_counter()
    fn()
    wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
    if db0 is None:
        return None, wall
    try:
        return cpu + backend() - db0, wall
    except LookupError:  # the connection was replaced during the call: this sample's database time is unknown
        return None, wall


def least_times(page, sql, rounds: int = 15, warm: int = 2, before_page=None) -> Timing:
    """Page and SQL timed in `rounds` alternating rounds, after `warm` runs of each: the least CPU time of each
    (load-robust: CPU time does not stretch when other processes take the cores; the least of many discards the
    runs disturbed by cache misses, a collection or an interrupt) and, beside it, the least wall time.
    `before_page`, when given, runs before each page read, outside the timing (to make the read a cold one)."""
    for _ in range(warm):
        page()
        sql()
    backend = backend_clock()
    cpu = {"page": [], "sql": []}
    wall = {"page": [], "sql": []}
    for _ in range(rounds):
        for name, fn in (("page", page), ("sql", sql)):
            if name == "page" and before_page is not None:
                before_page()
            c, w = _sample(fn, backend)
            wall[name].append(w * 1000)
            if c is not None:
                cpu[name].append(c * 1000)
    use_cpu = backend is not None and cpu["page"] and cpu["sql"]
    return Timing(
        page_ms=min(cpu["page"]) if use_cpu else min(wall["page"]),
        sql_ms=min(cpu["sql"]) if use_cpu else min(wall["sql"]),
        page_wall_ms=min(wall["page"]),
        sql_wall_ms=min(wall["sql"]),
        clock="cpu" if use_cpu else "wall",
        rounds=rounds,
        page_median_ms=statistics.median(wall["page"]),
        sql_median_ms=statistics.median(wall["sql"]),
    )


def _office_changed(ctx):
    """What makes the office's cached pages and figures cold: its figures version moved on, as a check-in does."""
    return lambda: office_figures_changed(ctx["office"].pk)


# The pages kept in the cache under the office's figures version (org.figures.cached_page, cached_fragment), measured
# also cold, right after a change in the office (a check-in moves the version on likewise): "<label> (cold)".
COLD_PAGES = {
    "office": _office_changed,
    "progress": _office_changed,
    "branch": _office_changed,
    "board": _office_changed,
    # The API's lists, kept under the versions of every office in the caller's scope (org.figures.scoped_key).
    "api_branches": _office_changed,
    "api_checkins": _office_changed,
}


def _checkin_changed(ctx):
    """What a check-in in the office does to its cached pages: the figures version moves on, the records version
    (the key of the panels that show no check-in figure, org.figures.OfficePanels) does not."""
    return lambda: figures_changed_write(ctx["office"].pk, checkin=True).run()


# The pages whose panels are kept across check-ins, measured also right after one: "<label> (after a check-in)".
AFTER_CHECKIN = {"office": _checkin_changed, "branch": _checkin_changed}


def _variants(key: str) -> list[tuple[str, object]]:
    """(label suffix, factory of the change made before each read) of the variants measured beside the warm read."""
    found = []
    if key in COLD_PAGES:
        found.append((" (cold)", COLD_PAGES[key]))
    if key in AFTER_CHECKIN:
        found.append((" (after a check-in)", AFTER_CHECKIN[key]))
    return found


def page_ratios(ctx, rounds: int = 15, labels=None) -> dict[str, Timing]:
    """Each case (or those of `labels`) read warm and its SQL, by least_times; the pages of COLD_PAGES also cold,
    those of AFTER_CHECKIN also after a check-in."""
    found = {}
    for label, url, user, key, params in cases(ctx):
        client = Client()
        if user is not None:
            client.force_login(user)

        def page(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        if labels is None or label in labels:
            found[label] = least_times(page, _run_sql(SQL[key], params), rounds=rounds)
        for suffix, change in _variants(key):
            if labels is None or label + suffix in labels:
                found[label + suffix] = least_times(
                    page, _run_sql(SQL[key], params), rounds=rounds, before_page=change(ctx)
                )
    return found


def context() -> dict:
    """The generated province's users, first office, its campaign and first branch."""
    users = {level: User.objects.get(username=f"scale-{level}") for level in ("office", "district", "city", "province")}
    office = OrgUnit.objects.filter(code__startswith=scale.ROOT, level="office").order_by("path").first()
    campaign = Campaign.objects.filter(office=office).order_by("-year").first()
    branch = Branch.objects.filter(office=office).order_by("sort_order", "code").first()
    return {"users": users, "office": office, "campaign": campaign, "branch": branch}


def cases(ctx) -> list[tuple[str, str, User | None, str, dict]]:
    """(label, url, user, SQL key, SQL parameters) for every page and API list measured."""
    office, campaign, branch, users = ctx["office"], ctx["campaign"], ctx["branch"], ctx["users"]
    district, city, province = office.parent, office.parent.parent, office.parent.parent.parent
    today = timezone.localdate()
    base = {
        "today": today,
        "campaign": campaign.pk,
        "office": office.pk,
        "branch": branch.pk,
        "year": campaign.year,
        "end": min(today, date(campaign.year, 12, 31)),  # the trend's last point
        "prefix": f"{office.path}%",  # the campaigns the office leader may choose from
        "tol": float(getattr(settings, "WUXING_BEHIND_TOLERANCE", DEFAULT_TOLERANCE)),  # without a policy row
    }

    def at(unit):
        return {**base, "prefix": f"{unit.path}%"}

    return [
        ("office overview", "/", users["office"], "office", base),
        ("progress table", reverse("checklists:progress_table"), users["office"], "progress", base),
        ("dashboard", reverse("checklists:dashboard"), users["office"], "dashboard", base),
        ("branch page", reverse("portal:branch_detail", args=[branch.pk]), users["office"], "branch", base),
        ("public board", reverse("checklists_public:board", args=[office.code]), None, "board", base),
        ("district summary", reverse("portal:summary"), users["district"], "subtree", at(district)),
        ("city summary", reverse("portal:summary"), users["city"], "subtree", at(city)),
        ("province summary", reverse("portal:summary"), users["province"], "subtree", at(province)),
        ("API branches (district)", "/api/v1/branches/?limit=100", users["district"], "api_branches", at(district)),
        ("API check-ins (office)", "/api/v1/checkins/?limit=100", users["office"], "api_checkins", at(office)),
        ("API check-ins (district)", "/api/v1/checkins/?limit=100", users["district"], "api_checkins", at(district)),
    ]


def _summary_offices(user):
    """The offices whose figures a summary page reads (the user's scope), with their figures versions."""
    return list(
        summary_cache.with_versions(
            OrgUnit.objects.restrict(user, "view").filter(level="office", retired_at__isnull=True)
        )
    )


def _cold_ms(client, url, offices, year, repeat: int) -> tuple[float, float | None, int]:
    """A summary read with every office's cached figures dropped first (outside the timing): the median wall time,
    the least CPU time (None when the backend's cannot be read) and the queries of one more such read."""
    today = timezone.localdate()
    backend = backend_clock()
    walls, cpus = [], []
    for _ in range(repeat):
        summary_cache.forget(offices, year=year, today=today)
        cpu, wall = _sample(lambda: client.get(url), backend)
        walls.append(wall * 1000)
        if cpu is not None:
            cpus.append(cpu * 1000)
    summary_cache.forget(offices, year=year, today=today)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(walls), (min(cpus) if backend and cpus else None), len(queries.captured_queries)


def _timed_result(label: str, url: str, client, timing: Timing) -> Result:
    """A page's Result from its timing, with the queries and the status of one more read."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return Result(
        label,
        url,
        timing.page_median_ms,
        timing.sql_median_ms,
        len(queries.captured_queries),
        response.status_code,
        page_cpu_ms=timing.page_ms,
        sql_cpu_ms=timing.sql_ms,
        clock=timing.clock,
    )


def measure_pages(ctx, repeat: int = 15) -> list[Result]:
    """Every case read warm (the page read twice before the timing; the summaries' figures then come from the
    cache), timed with its SQL in `repeat` alternating rounds (least_times); the summaries also cold (each office's
    figures computed), against the same SQL."""
    results = []
    for label, url, user, key, params in cases(ctx):
        client = Client()
        if user is not None:
            client.force_login(user)
        timing = least_times(lambda: client.get(url), _run_sql(SQL[key], params), rounds=repeat)  # noqa: B023
        warm = _timed_result(label, url, client, timing)
        results.append(warm)
        for suffix, change in _variants(key):
            make_cold = change(ctx)
            cold = least_times(
                lambda: client.get(url),  # noqa: B023
                _run_sql(SQL[key], params),
                rounds=repeat,
                before_page=make_cold,
            )
            make_cold()
            results.append(_timed_result(label + suffix, url, client, cold))
        if key == "subtree":
            offices = _summary_offices(user)
            cold_ms, cold_cpu, cold_queries = _cold_ms(client, url, offices, params["year"], repeat)
            results.append(
                Result(
                    f"{label} (cold)",
                    url,
                    cold_ms,
                    timing.sql_median_ms,
                    cold_queries,
                    warm.status,
                    page_cpu_ms=cold_cpu if cold_cpu is not None else cold_ms,
                    sql_cpu_ms=timing.sql_ms if cold_cpu is not None else timing.sql_median_ms,
                    clock=timing.clock if cold_cpu is not None else "wall",
                )
            )
    return results


@dataclass
class Throughput:
    posts: int
    checkin_per_s: float
    bare_per_s: float
    where: str = "in-process"

    @property
    def ratio(self) -> float:
        return self.checkin_per_s / self.bare_per_s if self.bare_per_s else 0.0


def _checkin_bodies(ctx) -> list[bytes]:
    """A check-in for each quantitative item of the first branch, half-way to its target, in turn: the POSTs are
    spread over the branch's items as a secretary's would be."""
    items = ChecklistItem.objects.filter(
        campaign=ctx["campaign"], branch=ctx["branch"], kind="quantitative", retired_at__isnull=True
    ).order_by("id")
    return [json.dumps({"item": i.pk, "value": str((i.target_value or 10) / 2)}).encode() for i in items]


def _interleaved(post_checkin, post_bare, bodies: list[bytes], posts: int, rounds: int) -> tuple[float, float]:
    """Requests a second of each: the two are timed in alternating rounds, so that a change in the machine's load
    during the run weighs on both alike."""
    post_checkin(bodies[0])
    post_bare(bodies[0])
    per_round = max(1, posts // rounds)
    spent = {"checkin": 0.0, "bare": 0.0}
    for r in range(rounds):
        for name, post in (("checkin", post_checkin), ("bare", post_bare)):
            t0 = time.perf_counter()
            for k in range(per_round):
                post(bodies[(r * per_round + k) % len(bodies)])
            spent[name] += time.perf_counter() - t0
    done = per_round * rounds
    return done / spent["checkin"], done / spent["bare"]


def measure_checkins(ctx, posts: int = 50, rounds: int = 5) -> Throughput:
    """Check-ins recorded through the API (the service, its audit row and the item's cached figure) against the
    bare JSON view, both through the same client and middleware in this process, in alternating rounds."""
    client = Client()
    client.force_login(ctx["users"]["office"])

    def poster(url):
        def post(body):
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 201, (url, response.status_code, response.content[:300])

        return post

    with override_settings(ROOT_URLCONF=__name__):
        checkin, bare = _interleaved(
            poster("/api/v1/checkins/"), poster("/__bare__/"), _checkin_bodies(ctx), posts, rounds
        )
    return Throughput(posts=posts, checkin_per_s=checkin, bare_per_s=bare)


@contextlib.contextmanager
def gunicorn_server(*, workers: int = 1, threads: int = 2):
    """gunicorn on a free local port serving `wuxing.portal.bench_wsgi` (the product's URLs and the bare view) on
    this process's database, cache and sessions (its environment); yields the port and stops the server after."""
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn if gunicorn.exists() else "gunicorn"),
        "wuxing.portal.bench_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "wuxing.config.settings", "DEBUG": "0"}
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    # The API needs no collected static files; WhiteNoise would warn once per worker that there are none.
    env["PYTHONWARNINGS"] = "ignore:No directory at"
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_for_port("127.0.0.1", port, timeout=60, process=process)
        yield port
    finally:
        stop(process)


def measure_checkins_gunicorn(
    ctx, posts: int = 200, rounds: int = 5, workers: int = 1, threads: int = 2, clients: int = 1
) -> Throughput:
    """The same comparison over HTTP: gunicorn serves both the API and the bare view on the same database; the
    office leader's session (cookie, CSRF token) POSTs from `clients` keep-alive connections in turn."""
    login = Client()
    login.force_login(ctx["users"]["office"])
    csrf = get_random_string(32)
    headers = {
        "Content-Type": "application/json",
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={login.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "X-CSRFToken": csrf,
    }
    with gunicorn_server(workers=workers, threads=threads) as port:
        local = threading.local()

        def poster(path):
            def post_one(body):
                if not hasattr(local, "connection"):
                    local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                local.connection.request("POST", path, body=body, headers={**headers, "Host": f"127.0.0.1:{port}"})
                response = local.connection.getresponse()
                content = response.read()
                assert response.status == 201, (path, response.status, content[:300])

            if clients == 1:
                return post_one

            def post(body):
                # `clients` requests at once, each on its own connection; counted as one step of the round.
                with ThreadPoolExecutor(clients) as pool:
                    list(pool.map(post_one, [body] * clients))

            return post

        checkin, bare = _interleaved(
            poster("/api/v1/checkins/"), poster("/__bare__/"), _checkin_bodies(ctx), posts, rounds
        )
    return Throughput(
        posts=posts * clients,
        checkin_per_s=checkin * clients,
        bare_per_s=bare * clients,
        where=f"gunicorn ({workers} worker{'s' if workers > 1 else ''} × {threads} threads, {clients} client"
        f"{'s' if clients > 1 else ''})",
    )


# --- the Excel table of every branch: time and peak memory ------------------------------------------------


@dataclass
class ExportMeasure:
    rows: int
    seconds: float
    peak_traced_mb: float  # tracemalloc's peak while the file is produced (Python objects)
    rss_growth_mb: float  # growth of the process's maximum resident size (everything, the C libraries too)
    file_mb: float
    queries: int


def measure_export(user, params: dict | None = None) -> ExportMeasure:
    """The export of every branch in the user's scope with its progress (checklists.exports.scope_progress_export)
    written as the export task writes it (to a temporary file), timed; then again under tracemalloc for its
    peak. ru_maxrss only grows, so its growth is the first run's excess over what the process had used before."""
    from wuxing.checklists.exports import scope_progress_export
    from wuxing.core.exports import write_xlsx

    def run():
        spec = scope_progress_export(user, params or {})
        with tempfile.TemporaryFile() as out:
            rows = write_xlsx(out, spec.title, spec.headers, spec.rows)
            return rows, out.tell()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        rows, size = run()
    seconds = time.perf_counter() - t0
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return ExportMeasure(
        rows=rows,
        seconds=seconds,
        peak_traced_mb=peak / 1024 / 1024,
        rss_growth_mb=rss_growth / 1024,
        file_mb=size / 1024 / 1024,
        queries=len(queries.captured_queries),
    )


def report(
    results: list[Result],
    throughput: Throughput | None,
    served: Throughput | None = None,
    export: ExportMeasure | None = None,
) -> dict:
    def post(t):
        return None if t is None else {**asdict(t), "ratio": round(t.ratio, 3)}

    return {
        "database": connection.vendor,
        "branches": Branch.objects.filter(office__path__startswith=f"/{scale.ROOT}/").count(),
        "pages": [{**asdict(r), "ratio": round(r.ratio, 2), "wall_ratio": round(r.wall_ratio, 2)} for r in results],
        "checkin_post": post(throughput),
        "checkin_post_gunicorn": post(served),
        "export": None if export is None else asdict(export),
    }
