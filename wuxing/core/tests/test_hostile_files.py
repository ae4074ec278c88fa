"""Hostile uploads, built byte by byte: each is refused, or stored without what it hid (checked in the bytes)."""

import io
import resource
import struct
import time
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from wuxing.core import uploads
from wuxing.core.uploads import as_upload, clean_upload, evidence_response, pdf_from_objects, sample_jpeg, sample_pdf

SECRET = b"WX-SECRET-7731"


def _refusal(data: bytes, name: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        clean_upload(as_upload(data, name))
    return caught.value


# ---------------------------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------------------------

PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def _pdf_with_object_stream(catalog: bytes, action: bytes) -> bytes:
    """A PDF 1.5 whose catalog (1) and an action (4) live only inside a Flate-compressed object stream (5)."""
    packed = [(1, catalog), (4, action)]
    bodies, header, position = b"", b"", 0
    for number, body in packed:
        header += b"%d %d " % (number, position)
        bodies += body + b"\n"
        position += len(body) + 1
    content = zlib.compress(header + bodies)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = {}
    plain = {
        2: PAGES,
        3: PAGE,
        5: b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(content))
        + content
        + b"\nendstream",
    }
    for number, body in plain.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref_offset = out.tell()
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 6):
        if number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        else:
            rows.append(struct.pack(">BIH", 2, 5, [n for n, _ in packed].index(number)))
    rows.append(struct.pack(">BIH", 1, xref_offset, 0))
    table = b"".join(rows)
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    )
    return out.getvalue()


def test_the_pdf_builders_make_files_the_parser_accepts():
    # Without active content both builders give valid PDFs: the refusals below are for what they carry.
    assert clean_upload(as_upload(pdf_from_objects(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE), "a.pdf"))
    plain = _pdf_with_object_stream(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /S /GoTo /D [3 0 R /Fit] >>")
    assert clean_upload(as_upload(plain, "b.pdf")).data == plain


@pytest.mark.parametrize(
    "catalog",
    [
        b"<< /Type /Catalog /Pages 2 0 R /Open#41ction << /S /Java#53cript /J#53 (app.alert(1)) >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /#41A << /O << /S /#4Cau#6Ech /F (cmd.exe) >> >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /Names << /#45mbeddedFiles << /Names [] >> >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /Acro#46orm << /Fields [] /#58FA 4 0 R >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /Names << /Java#53cript << /Names [(x) 4 0 R] >> >> >>",
    ],
)
def test_escaped_names_do_not_hide_active_content(catalog):
    data = pdf_from_objects(catalog, PAGES, PAGE, b"<< /S /Rich#4Dedia >>")
    assert not uploads.PDF_ACTIVE_CONTENT.search(data), "the escapes must defeat a byte search for this test"
    assert _refusal(data, "escaped.pdf").code == "active_pdf"


def test_javascript_in_a_compressed_object_stream_is_refused():
    data = _pdf_with_object_stream(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", b"<< /S /JavaScript /JS (app.alert(1)) >>"
    )
    assert b"JavaScript" not in data and b"OpenAction" not in data
    assert _refusal(data, "objstm.pdf").code == "active_pdf"


def test_active_content_in_an_object_nothing_refers_to_is_refused():
    data = pdf_from_objects(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, b"<< /S /Java#53cript /J#53 (x) >>")
    assert _refusal(data, "orphan.pdf").code == "active_pdf"


def test_html_behind_a_pdf_header_is_refused():
    assert _refusal(b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n", "page.pdf").code in {
        "broken",
        "polyglot",
    }
    # Not a PDF at all, even without markup or with an end marker.
    assert _refusal(b"%PDF-1.7\nhello, this is not a document\n%%EOF\n", "text.pdf").code == "broken"
    assert _refusal(b"%PDF-1.4\n" + b"A" * 5000, "junk.pdf").code == "broken"


def test_pdf_and_html_polyglots_are_refused():
    after_the_end = sample_pdf() + b"<html><script>fetch('/api/v1/')</script></html>\n"
    assert _refusal(after_the_end, "poly.pdf").code == "polyglot"
    in_a_stream = pdf_from_objects(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGES,
        PAGE,
        b"<< /Length 40 >>\nstream\n<!DOCTYPE html><script>alert(1)</script>\nendstream",
    )
    assert _refusal(in_a_stream, "poly2.pdf").code == "polyglot"


def test_a_pdf_without_pages_is_refused():
    empty = pdf_from_objects(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")
    assert _refusal(empty, "empty.pdf").code == "broken"


def test_the_walk_over_a_pdf_is_bounded(monkeypatch):
    monkeypatch.setattr(uploads, "PDF_MAX_OBJECTS", 3)
    assert _refusal(sample_pdf(), "deep.pdf").code == "broken"
    # Deeply nested arrays break no limit of the process: refused, not a crash.
    monkeypatch.undo()
    nested = pdf_from_objects(
        b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 50_000 + b"]" * 50_000 + b" >>", PAGES, PAGE
    )
    assert _refusal(nested, "nested.pdf").code in {"broken", "active_pdf"}


def test_pdfs_are_served_as_downloads_and_images_inline():
    class Stored:
        thumbnail = None

        def __init__(self, content_type, name, data):
            self.content_type, self.original_name = content_type, name
            self.file = type("F", (), {"open": staticmethod(lambda mode: io.BytesIO(data))})

    pdf = evidence_response(Stored("application/pdf", "纪要.pdf", sample_pdf()))
    assert pdf["Content-Disposition"].startswith("attachment;")
    image = evidence_response(Stored("image/jpeg", "a.jpg", sample_jpeg()))
    assert image["Content-Disposition"].startswith("inline;")


# ---------------------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------------------


def _zip(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def test_a_jpeg_zip_polyglot_is_cleaned_of_the_archive():
    data = sample_jpeg("x") + _zip("evil.html", b"<script>alert(1)</script>")
    assert zipfile.is_zipfile(io.BytesIO(data))
    clean = clean_upload(as_upload(data, "poly.jpg"))
    for stored in (clean.data, clean.thumbnail):
        assert b"PK\x03\x04" not in stored and b"evil.html" not in stored and b"<script" not in stored
        assert not zipfile.is_zipfile(io.BytesIO(stored))


def test_a_jpeg_comment_exif_gps_and_icc_profile_are_not_kept():
    image = Image.open(io.BytesIO(sample_jpeg("x", exif_gps=True)))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", comment=SECRET, exif=image.getexif(), icc_profile=icc)
    data = out.getvalue()
    assert SECRET in data and b"WuxingCam" in data and b"ICC_PROFILE" in data
    clean = clean_upload(as_upload(data, "photo.jpg"))
    for stored in (clean.data, clean.thumbnail):
        assert SECRET not in stored
        assert b"WuxingCam" not in stored and b"Exif\x00\x00" not in stored
        assert b"ICC_PROFILE" not in stored
        assert b"\xff\xfe" not in stored.split(b"\xff\xda", 1)[0], "no COM segment before the image data"


def test_png_text_chunks_and_icc_profile_are_not_kept():
    info = PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_text("Author", SECRET.decode() + "-z", zip=True)
    info.add_itxt("Description", "秘密 " + SECRET.decode(), lang="zh", tkey="说明")
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (200, 22, 29, 255)).save(out, "PNG", pnginfo=info, icc_profile=icc)
    data = out.getvalue()
    assert all(chunk in data for chunk in (b"tEXt", b"zTXt", b"iTXt", b"iCCP"))
    clean = clean_upload(as_upload(data, "chart.png"))
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf", SECRET):
        assert chunk not in clean.data, chunk
        assert chunk not in clean.thumbnail, chunk
    # The profile was applied, not lost with the colour: sRGB to sRGB leaves the pixel as it was.
    with Image.open(io.BytesIO(clean.data)) as after:
        assert after.convert("RGBA").getpixel((10, 10)) == (200, 22, 29, 255)


def _png_bomb(width: int, height: int) -> bytes:
    """An RGBA PNG of zeros: a few hundred KB that decode to width × height × 4 bytes."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\x00" * (width * 4 + 1)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def test_a_pixel_bomb_is_refused_from_its_header_quickly_and_without_memory():
    data = _png_bomb(6300, 6300)
    assert len(data) < 200 * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    error = _refusal(data, "bomb.png")
    assert time.perf_counter() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50 * 1024  # KB: nothing was decoded
    assert error.code == "too_many_pixels"
    assert error.messages[0].startswith("图片尺寸过大") and "6300 × 6300" in error.messages[0]


def test_a_bomb_past_pillows_own_guard_gets_the_same_message():
    error = _refusal(_png_bomb(12000, 12000), "huge.png")
    assert error.code == "too_many_pixels" and error.messages[0].startswith("图片尺寸过大")


def test_the_pixel_limit_is_a_setting():
    data = sample_jpeg(size=(640, 480))
    with override_settings(WUXING_UPLOAD_MAX_PIXELS=300_000):
        assert _refusal(data, "a.jpg").code == "too_many_pixels"
    assert clean_upload(as_upload(data, "a.jpg")).content_type == "image/jpeg"


# ---------------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("../../x.jpg", "x.jpg"),
        ("..\\..\\windows\\x.jpg", "x.jpg"),
        ("/etc/passwd/x.jpg", "x.jpg"),
        ("a\\b.jpg", "b.jpg"),
        ("x\x00.jpg", "x.jpg"),
        ("evil\r\nX-Header: 1.jpg", "evilX-Header: 1.jpg"),
    ],
)
def test_path_traversal_and_control_characters_are_cut_from_names(name, stored):
    clean = clean_upload(as_upload(sample_jpeg(), name))
    assert clean.original_name == stored
    assert not any(c in clean.original_name for c in "/\\\x00\r\n")


def test_a_nul_cannot_smuggle_another_extension():
    assert _refusal(sample_jpeg(), "x.jpg\x00.pdf").code == "mismatch"
    assert _refusal(sample_pdf(), "a\\b.pdf\x00.jpg").code == "mismatch"
