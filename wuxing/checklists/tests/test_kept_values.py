"""What an app server keeps in its own memory before the shared cache (core.fragments.KeptValues): the figures and
page parts kept under an office's version. A key holds every input, so a copy here is never stale; each read gets
its own copy; the memory is bounded. And one form token per response (core.fragments.request_token)."""

import re
import sys

import pytest
from django.core.cache import cache
from django.urls import reverse

from wuxing.checklists import services
from wuxing.core.actors import SYSTEM
from wuxing.core.fragments import VALUES, KeptValues
from wuxing.testing import clear_caches, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_reads(monkeypatch):
    """The keys asked of the shared cache (one by one or many at once)."""
    asked = []
    get, get_many = cache.get, cache.get_many

    def counted_get(key, *args, **kwargs):
        asked.append(key)
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        asked.extend(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)
    return asked


def test_a_value_is_read_from_the_shared_cache_once_then_from_this_process(shared_reads):
    kept = KeptValues(limit_bytes=1 << 20)
    assert kept.get("k1") is None  # nothing anywhere
    kept.set("k1", {"rows": [1, 2]}, 60)
    VALUES.clear()
    other = KeptValues(limit_bytes=1 << 20)  # another server: the shared cache has it
    assert other.get("k1") == {"rows": [1, 2]}
    asked = len(shared_reads)
    assert other.get("k1") == {"rows": [1, 2]} and kept.get("k1") == {"rows": [1, 2]}
    assert len(shared_reads) == asked, "read again: from this process"
    assert other.get_many(["k1", "k2"]) == {"k1": {"rows": [1, 2]}}
    assert shared_reads[-1:] == ["k2"], "only the key not kept here is asked for"


def test_each_read_gets_its_own_copy():
    kept = KeptValues(limit_bytes=1 << 20)
    kept.set("k", {"rows": [1, 2]}, 60)
    first = kept.get("k")
    first["rows"].append(3)
    assert kept.get("k") == {"rows": [1, 2]}, "a caller changing what it got changes nothing kept"
    assert kept.get_many(["k"])["k"] is not kept.get_many(["k"])["k"]


def test_the_memory_is_bounded_and_the_least_recently_used_goes_first():
    each = sys.getsizeof("x" * 1_000)
    kept = KeptValues(limit_bytes=10 * each)
    for n in range(10):
        kept._keep(f"k{n}", "x" * 1_000)
        kept.get("k0")  # read again and again: stays
    assert kept.size == 10 * each and len(kept) == 10
    kept._keep("k10", "y" * 1_000)
    kept._keep("k11", "y" * 1_000)
    assert kept.size == 10 * each and len(kept) == 10
    assert kept._local("k0") is not None and kept._local("k1") is None  # the least recently used went first
    kept._keep("huge", "z" * 1_500)  # more than an eighth of the whole: not kept here
    assert kept._local("huge") is None
    kept.delete_many(["k0"])
    assert kept._local("k0") is None and kept.size == sum(size for _v, size in kept._values.values())


def test_the_branch_page_read_again_asks_the_shared_cache_nothing_and_a_check_in_shows_at_once(
    client, world, make_item, shared_reads
):
    item = make_item("a1", target=10)
    services.checkin_record(actor=SYSTEM, item=item, value=2)
    client.force_login(world.users.leader)
    url = reverse("portal:branch_detail", args=[world.org.branches["a1"].pk])
    first = page_text(client.get(url))
    del shared_reads[:]
    assert page_text(client.get(url)) == first
    assert not [k for k in shared_reads if str(k).startswith("wx:page:")], "the page's parts come from this process"

    # Another server moves the office's version on (a check-in through it): this process's copy is under the old
    # key, so the next read computes the new figure.
    services.checkin_record(actor=SYSTEM, item=item, value=7)
    after = page_text(client.get(url))
    assert after != first
    clear_caches()
    assert page_text(client.get(url)) == after, "equal to the page rendered afresh"


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html) + re.findall(
        r'"X-CSRFToken": "([^"]*)"', html
    )


def test_one_form_token_per_response_and_another_for_the_next(client, world, make_item):
    make_item("a1", target=10)
    client.force_login(world.users.leader)
    url = reverse("portal:branch_detail", args=[world.org.branches["a1"].pk])
    first, second = (client.get(url).content.decode() for _ in range(2))
    tokens = _tokens(first)
    assert len(tokens) >= 5, "the kept frame's forms, the page's own and htmx's header"
    assert len(set(tokens)) == 1, "every form of one response carries the same token"
    assert set(_tokens(second)) != set(tokens), "each response its own mask"
    answer = client.post(reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": tokens[0]})
    assert answer.status_code == 302


def test_the_responses_token_follows_a_secret_rotated_by_a_sign_in(rf):
    from django.middleware.csrf import CsrfViewMiddleware, _unmask_cipher_token, rotate_token

    from wuxing.core.fragments import request_token

    request = rf.get("/")
    CsrfViewMiddleware(lambda r: None).process_request(request)
    first = request_token(request)
    assert request_token(request) == first, "one token for the whole response"
    rotate_token(request)  # what a sign-in does
    second = request_token(request)
    assert second != first and _unmask_cipher_token(second) == request.META["CSRF_COOKIE"]
