"""What the rating pages and the certificate show, built from selectors' rows: labels and links, no queries."""

import segno
from django.urls import reverse
from django.utils.translation import gettext as _

from .choices import StarResult, StarState


def missing_lines(line, branch, star_names=None) -> list[tuple[str, str]]:
    """(text, link) for each thing a star still misses, pointing to where the branch adds it."""
    names = {i.indicator.code: i for i in line.indicators}
    checklist = reverse("checklists:branch_checklist", args=[branch.pk])
    out = []
    for problem, code in line.readiness.missing:
        ind = names.get(code)
        if problem == "vetoed":
            out.append((_("A veto event this year takes the star."), reverse("rating:veto_list")))
        elif problem == "prerequisite":
            out.append((_("Needs the star “%(star)s” first.") % {"star": (star_names or {}).get(code, code)}, ""))
        elif problem == "no_item":
            out.append((_("No check-in item measures “%(text)s”.") % {"text": ind.indicator.text}, checklist))
        elif problem == "not_met":
            link = reverse("checklists:item_detail", args=[ind.item_id]) if ind.item_id else checklist
            out.append((_("“%(text)s” is not met yet.") % {"text": ind.indicator.text}, link))
        elif problem == "no_evidence":
            link = reverse("checklists:item_detail", args=[ind.item_id]) if ind and ind.item_id else checklist
            out.append((_("“%(text)s” has no evidence yet.") % {"text": ind.indicator.text}, link))
    return out


def public_result_url(request, rating) -> str:
    return request.build_absolute_uri(reverse("rating_public:result", args=[rating.branch.office.code, rating.pk]))


def certificate_context(request, rating) -> dict:
    confirmed = [s.star for s in rating.stars.all() if s.result == StarResult.CONFIRMED]
    office = rating.branch.office
    url = public_result_url(request, rating)
    return {
        "rating": rating,
        "branch": rating.branch,
        "office": office,
        "district": office.parent,
        "level": rating.level or 0,
        "stars": confirmed,
        # After naming, stars withdrawn (摘星) or lost by a veto: the reissued certificate names them.
        "removed": [s.star for s in rating.stars.all() if s.state in (StarState.WITHDRAWN, StarState.VETOED)],
        "url": url,
        "qr": segno.make(url, error="m").svg_data_uri(scale=4, dark="#111"),
    }
