"""Public pages (no sign-in): 决议公开 and 实施结果公开 with their publication period; names and titles only (R16)."""

from django.shortcuts import render
from django.utils import timezone

from wuxing.org.selectors import public_office

from .selectors import public_notice_get, public_notices


def notice_list(request, office_code: str):
    office = public_office(office_code)
    notices = list(public_notices(office=office)[:200])
    return render(
        request,
        "deliberations/public/notice_list.html",
        {"office": office, "notices": notices, "today": timezone.localdate()},
    )


def notice_detail(request, office_code: str, pk: int):
    office = public_office(office_code)
    notice = public_notice_get(office=office, pk=pk)
    steps = list(notice.deliberation.steps.order_by("position"))
    return render(
        request, "deliberations/public/notice_detail.html", {"office": office, "notice": notice, "steps": steps}
    )
