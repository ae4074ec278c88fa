"""No raw identifier on any page: every page of the demo, crawled as each demo role, reads as Chinese.

The crawl starts at the home page and follows every same-site link (a few of each URL pattern, so a list of 40
branches costs two branch pages, not 40); visible text is what remains once tags, scripts, styles and attributes
are stripped. A `snake_case` word or an `app.action` code in it is an identifier the user should never see.
"""

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

from wuxing.org.demo import DEMO_ACCOUNTS
from wuxing.org.models import User

PER_PATTERN = 2
MAX_PAGES = 260
SKIP_NAMES = {"logout", "set_language"}
SKIP_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/accounts/logout")
SKIP_PARAMS = ("export=", "format=", "download")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+\.[a-z]+_[a-z_]+\b|\b[a-z]{3,}\.[a-z]{3,}\b")
# Rule numbers of the specification (R6, (R8)) are codes too, as are English phrases left untranslated.
RULE_ID = re.compile(r"\bR\d{1,2}\b")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){1,}\b")
# Words that are not identifiers although they match (addresses, domains shown on purpose).
ALLOWED = {"example.com"}
# "YAML Excel": two download buttons named by their file formats, side by side in the rendered text (innerText).
ALLOWED_ENGLISH = {"Apache ECharts", "Noto Sans", "YAML Excel"}


class _Text(HTMLParser):
    """Visible text and same-site links of a page."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "noscript"):
            self._hidden += 1
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.text.append(attrs["value"])
        if attrs.get("placeholder"):
            self.text.append(attrs["placeholder"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


def identifiers_in_text(text: str) -> set[str]:
    """The identifier-like words of visible text (the browser crawl applies this to each page's innerText)."""
    found = set(IDENTIFIER.findall(text)) | set(RULE_ID.findall(text))
    found |= {phrase for phrase in ENGLISH.findall(text) if phrase not in ALLOWED_ENGLISH}
    return {word for word in found if word not in ALLOWED}


def identifiers(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return identifiers_in_text(" ".join(parser.text))


def test_identifier_pattern():
    assert identifiers("<p>r_cv_satisfaction</p>") == {"r_cv_satisfaction"}
    assert identifiers_in_text("满意度 r_cv_satisfaction 89%") == {"r_cv_satisfaction"}
    assert identifiers("<td>showcase.milestone_complete</td>") == {"showcase.milestone_complete"}
    assert identifiers('<a href="/x/r_cv/" title="a_b">党员大会</a><script>var a_b = 1;</script>') == set()
    assert identifiers("<p>2026.01 进度 89%</p>") == set()
    assert identifiers("<p>R6 党员大会（R8）</p>") == {"R6", "R8"}
    assert identifiers("<option>- Select an option -</option>") == {"Select an option"}


def _crawl(client, user, *, check_every_link=False):
    client.force_login(user)
    seen: set[str] = set()
    per_name: Counter = Counter()
    queue = [("/", "")]
    problems: dict[str, set[str]] = {}
    refused: dict[str, set[str]] = {}
    checked: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url, origin = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, (user.username, url)
        if response.status_code in (403, 404) and origin:
            refused.setdefault(origin, set()).add(url)
        if response.status_code in (301, 302) and response["Location"].startswith("/"):
            queue.append((response["Location"], ""))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found = identifiers(html)
        if found:
            problems[url] = found
        parser = _Text()
        parser.feed(html)
        for href in parser.links:
            href, _ = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or any(p in parts.query for p in SKIP_PARAMS):
                continue
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            if match.url_name in SKIP_NAMES or "pdf" in (match.url_name or "") or href in seen:
                continue
            key = f"{match.namespace}:{match.url_name}:{bool(parts.query)}"
            if per_name[key] >= PER_PATTERN:
                if check_every_link and href not in checked:
                    checked.add(href)
                    if client.get(href).status_code in (403, 404):
                        refused.setdefault(url, set()).add(href)
                continue
            per_name[key] += 1
            queue.append((href, url))
    return seen, problems, refused


@pytest.mark.parametrize("username", [spec["username"] for spec in DEMO_ACCOUNTS])
def test_no_identifier_in_visible_text(client, demo_office, username):
    user = User.objects.get(username=username)
    seen, problems, _refused = _crawl(client, user)
    assert len(seen) > 1
    assert not problems, "\n".join(f"{url}: {sorted(words)}" for url, words in problems.items())


@pytest.mark.parametrize("username", ["demo-dept", "demo-secretary"])
def test_a_page_links_only_to_what_the_user_may_open(client, demo_office, username):
    """A branch-scoped role is not shown links it would be refused (the department page listing 9 foreign branches)."""
    _seen, _problems, refused = _crawl(client, User.objects.get(username=username), check_every_link=True)
    assert not refused, "\n".join(f"{page} → {sorted(urls)}" for page, urls in refused.items())
