"""PDFs render Chinese with an embedded font and never fetch from the network."""

import shutil
import subprocess

import pytest

from wuxing.core.pdf import pdf_response, render_pdf

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")


@needs_pdftotext
def test_chinese_text_survives_into_the_pdf(monkeypatch):
    fetched = []
    from weasyprint import URLFetcher

    original = URLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    data = render_pdf("core/pdf_test.html", {"title": "柳营村党支部“五星”支部创建目标责任书"})
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "柳营村党支部" in text and "目标责任书" in text
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=False).stdout.decode()
    assert "CJK" in fonts and "yes" in fonts  # embedded
    # The local static file was read from disk (addresses elsewhere are refused: see the next test).
    assert any(url.startswith("file://") and url.endswith("favicon.svg") for url in fetched)


def test_pdf_response_headers():
    response = pdf_response(b"%PDF-1.4", "责任书.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]


def test_the_pdf_renderer_refuses_addresses_outside_the_app():
    from wuxing.core.pdf import _fetcher_class

    fetcher = _fetcher_class()()
    for url in ("https://cdn.example.com/a.css", "file:///etc/passwd", "http://wuxing.pdf/media/x.jpg"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("http://wuxing.pdf/static/wuxing/app.css") is not None
