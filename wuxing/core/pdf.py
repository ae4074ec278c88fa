"""A4 PDFs in Chinese, rendered from templates by WeasyPrint.

The CJK font comes from the system (Debian's fonts-noto-cjk) and is embedded, subset, in the document. The
renderer fetches nothing from the network: static files are read from the app's own static directories and
data: URIs are allowed; any other address is refused.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

# Relative addresses in PDF templates resolve against this base; it never leaves the renderer.
BASE_URL = "http://wuxing.pdf/"
CJK_FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'


def _fetcher_class():
    from weasyprint import URLFetcher  # WeasyPrint is heavy to import: loaded when a PDF is first made

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
            if parts.netloc == urlsplit(BASE_URL).netloc and parts.path.startswith(static_prefix):
                found = finders.find(parts.path[len(static_prefix) :])
                if found:
                    return super().fetch("file://" + str(found), headers)
            raise ValueError(f"PDF rendering does not fetch {url}")

    return LocalOnlyFetcher


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render a template to PDF bytes. The template sets its own @page rules; CJK_FONT_FAMILY is in context."""
    from weasyprint import HTML  # see above

    html = render_to_string(template_name, {**context, "cjk_font_family": CJK_FONT_FAMILY}, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()).write_pdf()


def pdf_response(data: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
