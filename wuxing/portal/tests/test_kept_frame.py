"""The page's frame (top bar, menu, footer) is rendered once per menu in each process (`{% kept %}`) and served with
each request's own form token and address; the menu's entries are kept in the process under the same key."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse

from wuxing.core.fragments import CSRF_SLOT, FRAME_PARTS, PATH_SLOT
from wuxing.core.templatetags.wuxing import KeptNode
from wuxing.org.models import User
from wuxing.portal.context_processors import MENUS


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)


def _nexts(html: str) -> list[str]:
    """The address each language switch returns to."""
    forms = re.findall(r'<form method="post" action="' + reverse("set_language") + r'".*?</form>', html, re.S)
    return [unescape(v) for form in forms for v in re.findall(r'name="next" value="([^"]*)"', form)]


@pytest.fixture
def kept_renders():
    """How many times each kept part of base.html was rendered (the parts' node lists counted)."""
    nodes = get_template("base.html").template.nodelist.get_nodes_by_type(KeptNode)
    assert len(nodes) == 3, "base.html keeps its top bar with the menu, its breadcrumb and its footer"
    counts = {node.serial: 0 for node in nodes}
    originals = {}
    for node in nodes:
        originals[node.serial] = node.nodelist.render

        def counted(context, node=node):
            counts[node.serial] += 1
            return originals[node.serial](context)

        node.nodelist.render = counted
    yield counts
    for node in nodes:
        del node.nodelist.render


def test_the_frame_is_rendered_once_and_each_request_gets_its_own_token_and_address(client, demo_office, kept_renders):
    client.force_login(User.objects.get(username="demo-staff"))
    response = client.get(reverse("targets:target_list") + "?q=a&x=%22%3Cb%3E")
    html, first = response.content.decode(), response.wsgi_request.get_full_path()
    assert list(kept_renders.values()) == [1, 1, 1] and len(FRAME_PARTS) == 3
    second = reverse("targets:target_list") + "?page=2"
    again = client.get(second).content.decode()
    assert list(kept_renders.values()) == [1, 1, 1], "the same menu and entry: the kept parts are served, not rendered"
    for page, path in ((html, first), (again, second)):
        assert CSRF_SLOT not in page and PATH_SLOT not in page
        assert _nexts(page) == [path, path]  # both language switches return to this page
        assert len(_tokens(page)) >= 4 and all(_tokens(page))  # sign-out and language, top bar and menu
    assert 'value="/targets/?q=a&amp;x=%22%3Cb%3E"' in html  # escaped as the template escapes it
    # The token served in the kept forms is this session's: the language switch takes it.
    token = _tokens(again)[0]
    client.cookies.pop("django_language", None)
    answer = client.post(reverse("set_language"), {"language": "en", "next": second, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and answer["Location"] == second


def test_the_active_entry_the_user_and_the_language_each_get_their_own_frame(client, demo_office, kept_renders):
    staff = User.objects.get(username="demo-staff")
    client.force_login(staff)
    targets = client.get(reverse("targets:target_list")).content.decode()
    assert 'aria-current="page">目标申领' in targets
    home = client.get(reverse("home")).content.decode()
    assert 'aria-current="page">目标申领' not in home and 'aria-current="page">' in home
    assert kept_renders[min(kept_renders)] == 2  # another entry is active: the top part is rendered again

    staff.person.name = "改名后的人"
    staff.person.save(update_fields=["name"])
    renamed = client.get(reverse("home")).content.decode()
    assert "改名后的人" in renamed  # the name shown is part of the key

    client.cookies["django_language"] = "en"
    english = client.get(reverse("home")).content.decode()
    assert "Sign out" in english and "退出" not in english

    secretary = User.objects.get(username="demo-secretary")
    client.force_login(secretary)
    client.cookies.pop("django_language", None)
    theirs = client.get(reverse("home"), follow=True).content.decode()
    assert secretary.display_name in theirs and "改名后的人" not in theirs
    assert reverse("org:user_list") not in theirs  # the secretary's menu, not the staff member's


def test_a_signed_out_page_renders_its_top_bar_for_the_request(client, demo_office, kept_renders):
    for page in ("?next=/x/", "?next=/y/"):
        response = client.get(reverse("login") + page)
        assert _nexts(response.content.decode()) == [response.wsgi_request.get_full_path()]
    nodes = sorted(kept_renders)
    assert kept_renders[nodes[0]] == 2, "no menu key: the top bar is rendered for each request"
    assert kept_renders[nodes[1]] == 0, "no entry active: no breadcrumb"
    assert kept_renders[nodes[2]] == 1 and len(FRAME_PARTS) == 1  # the footer is the same for everyone


def test_the_menu_is_read_from_the_shared_cache_once_per_process(client, demo_office, monkeypatch):
    client.force_login(User.objects.get(username="demo-staff"))
    read = []
    original = cache.get

    def get(key, *args, **kwargs):
        read.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    client.get(reverse("home"))
    client.get(reverse("targets:target_list"))
    assert len([k for k in read if str(k).startswith("wx:nav:")]) == 1 and len(MENUS) == 1


def test_the_breadcrumb_is_kept_per_entry_and_shows_the_campaign_as_it_is_now(client, demo_office, kept_renders):
    from wuxing.campaigns.models import Campaign

    client.force_login(User.objects.get(username="demo-staff"))
    crumbs = sorted(kept_renders)[1]

    def crumb(url):
        html = client.get(url).content.decode()
        return html[html.index('<nav class="wx-crumbs') : html.index("</nav>", html.index('<nav class="wx-crumbs'))]

    entry = reverse("targets:target_list")
    on_entry = crumb(entry)
    assert 'aria-current="page">目标申领' in on_entry
    assert crumb(entry + "?page=2") == on_entry and kept_renders[crumbs] == 1  # served again
    campaign = Campaign.objects.get(pk=client.get(entry).wsgi_request._wuxing_memo[("campaign_for", "", None)].pk)
    campaign.name = "改名后的年度创建"
    campaign.save(update_fields=["name"])
    renamed = crumb(entry)
    assert "改名后的年度创建" in renamed and kept_renders[crumbs] == 2  # the campaign's name is part of the key


def test_two_secretaries_below_their_own_entry_each_get_their_own_breadcrumb_link(client, demo_office):
    """An entry's link can be the user's own (a secretary's check-in list): the breadcrumb is kept per link."""
    from wuxing.core.roles import Role
    from wuxing.org.models import Branch
    from wuxing.testing import make_user

    links = []
    for n, branch in enumerate(Branch.objects.filter(retired_at__isnull=True).order_by("pk")[:2]):
        client.force_login(make_user(f"crumb-sec-{n}", Role.BRANCH_SECRETARY, branch=branch))
        entry = reverse("checklists:branch_checklist", args=[branch.pk])
        page = client.get(reverse("checklists:report_card", args=[branch.pk])).content.decode()  # below the entry
        start = page.index('<nav class="wx-crumbs')
        crumbs = page[start : page.index("</nav>", start)]
        assert f'href="{entry}"' in crumbs, "the crumb links to this secretary's own list"
        links.append(entry)
    assert links[0] != links[1]
