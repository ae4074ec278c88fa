"""Public pages (no sign-in): 决议公开 and 实施结果公开 with their publication period; names and titles only (R16)."""

from django.shortcuts import render
from django.utils import timezone

from wuxing.core.lists import paginate
from wuxing.org.selectors import public_office

from .filtersets import PublicNoticeFilterSet
from .selectors import public_notice_get, public_notices


def notice_list(request, office_code: str):
    office = public_office(office_code)
    filterset = PublicNoticeFilterSet(request.GET, public_notices(office=office))
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "deliberations/public/notice_list.html",
        {"office": office, "notices": page, "page": page, "form": filterset.form, "today": timezone.localdate()},
    )


def notice_detail(request, office_code: str, pk: int):
    office = public_office(office_code)
    notice = public_notice_get(office=office, pk=pk)
    steps = list(notice.deliberation.steps.order_by("position"))
    return render(
        request, "deliberations/public/notice_detail.html", {"office": office, "notice": notice, "steps": steps}
    )
