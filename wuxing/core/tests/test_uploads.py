"""Evidence uploads: only images and PDFs, recognised by content; metadata stripped; refusals in Chinese."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from PIL import Image

from wuxing.core.uploads import (
    as_upload,
    clean_upload,
    clean_uploads,
    evidence_response,
    sample_jpeg,
    sample_pdf,
    sample_png,
    sniff,
)

SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
)


def _refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload)
    return caught.value


def test_a_jpeg_loses_its_exif_and_gps_and_gets_a_thumbnail():
    original = sample_jpeg("测试", exif_gps=True, size=(1200, 900))
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get(0x010F) == "WuxingCam"
        assert before.getexif().get_ifd(0x8825), "the sample must carry GPS data for this test to mean anything"
    clean = clean_upload(as_upload(original, "现场照片.JPG", "image/jpeg"))
    assert clean.content_type == "image/jpeg" and clean.extension == ".jpg"
    with Image.open(io.BytesIO(clean.data)) as after:
        exif = after.getexif()
        assert not exif and not exif.get_ifd(0x8825)
        assert "exif" not in after.info
        assert after.size == (1200, 900)
    with Image.open(io.BytesIO(clean.thumbnail)) as thumb:
        assert max(thumb.size) == 320


def test_png_and_pdf_are_accepted():
    assert clean_upload(as_upload(sample_png(), "a.png")).content_type == "image/png"
    pdf = clean_upload(as_upload(sample_pdf(), "纪要.pdf"))
    assert pdf.content_type == "application/pdf" and pdf.thumbnail is None


def test_an_svg_carrying_a_script_is_refused_even_when_named_as_an_image():
    for name in ("logo.svg", "photo.jpg", "photo.png"):
        error = _refusal(as_upload(SVG_WITH_SCRIPT, name, "image/svg+xml"))
        assert "不是 JPEG、PNG 或 WebP 图片或 PDF 文档" in error.messages[0], name


def test_content_that_is_not_what_the_name_says_is_refused():
    assert "内容与文件名不符" in _refusal(as_upload(sample_jpeg(), "report.pdf")).messages[0]
    assert "内容与文件名不符" in _refusal(as_upload(sample_pdf(), "photo.jpg")).messages[0]
    assert "内容与文件名不符" in _refusal(as_upload(sample_png(), "photo.exe")).messages[0]
    # An HTML page and an executable are not accepted under any name.
    assert _refusal(as_upload(b"<html><script>alert(1)</script></html>", "a.pdf")).code == "type"
    assert _refusal(as_upload(b"MZ\x90\x00" + b"\x00" * 100, "a.jpg")).code == "type"


def test_a_file_over_the_limit_is_refused_and_the_limit_is_configurable():
    data = sample_jpeg(size=(2000, 1500)) + b"\x00" * (1024 * 1024)
    with override_settings(WUXING_UPLOAD_MAX_MB=1):
        error = _refusal(as_upload(data, "big.jpg"))
    assert error.code == "too_large" and "最大 1 MB" in error.messages[0]
    # Just under the limit is fine.
    small = sample_jpeg()
    with override_settings(WUXING_UPLOAD_MAX_MB=1):
        assert clean_upload(as_upload(small, "ok.jpg")).content_type == "image/jpeg"


def test_a_truncated_image_and_a_pdf_with_javascript_are_refused():
    assert _refusal(as_upload(sample_jpeg()[:200], "cut.jpg")).code == "broken"
    scripted = sample_pdf().replace(
        b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
    )
    assert _refusal(as_upload(scripted, "bad.pdf")).code == "active_pdf"
    assert _refusal(as_upload(b"", "empty.jpg")).code == "empty"


def test_sniff_reads_only_the_content():
    assert sniff(sample_jpeg()[:16]) == "image/jpeg"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"GIF89a") is None


def test_served_files_cannot_run_in_the_browser(tmp_path):
    class Stored:
        content_type = "application/pdf"
        original_name = "纪要.pdf"
        thumbnail = None

        class file:
            @staticmethod
            def open(mode):
                return io.BytesIO(sample_pdf())

    response = evidence_response(Stored())
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "application/pdf"


def test_one_refused_file_refuses_the_whole_batch_before_anything_is_stored():
    good = as_upload(sample_jpeg(), "a.jpg")
    bad = as_upload(SVG_WITH_SCRIPT, "b.jpg")
    with pytest.raises(ValidationError) as caught:
        clean_uploads([good, bad], field="evidence")
    assert "b.jpg" in caught.value.message_dict["evidence"][0]
    cleaned = clean_uploads([as_upload(sample_jpeg(), "a.jpg"), as_upload(sample_pdf(), "b.pdf")])
    assert [c.content_type for c in cleaned] == ["image/jpeg", "application/pdf"]
