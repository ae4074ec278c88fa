"""Evidence uploads: what is accepted, how it is cleaned, and how it is served back.

Accepted are JPEG, PNG and WebP images and PDF documents, recognised by their content; a name that claims
another type is refused, as is anything else (SVG, HTML, executables, archives). Images are decoded and
re-encoded, which drops EXIF (GPS position, camera serial) and anything hidden after the image data; a
thumbnail is made for lists. PDFs carrying JavaScript or auto-run actions are refused. Files are stored under
random names outside the static files and served only by views that have checked the user's scope.
"""

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from .actors import user_or_none
from .audit import audit_record

# content type → the extensions a file of that type may carry
TYPES = {
    "image/jpeg": {".jpg", ".jpeg", ".jfif"},
    "image/png": {".png"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
}
PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFile|RichMedia|XFA)\b")


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    content_type: str
    extension: str
    thumbnail: bytes | None
    original_name: str


def sniff(head: bytes) -> str | None:
    """The content type a file's first bytes show, among the accepted ones; None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        return "application/pdf"
    return None


def safe_name(name: str) -> str:
    """The base name only, without path or control characters, at most 200 characters."""
    base = PurePath(str(name).replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip() or "file"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot else base[:200]
    return base


def max_bytes() -> int:
    return settings.WUXING_UPLOAD_MAX_MB * 1024 * 1024


def clean_upload(uploaded_file, *, limit: int | None = None) -> CleanFile:
    """Check an uploaded file and return its cleaned content; ValidationError (in Chinese) if it is refused."""
    name = safe_name(getattr(uploaded_file, "name", "") or "file")
    limit = max_bytes() if limit is None else limit
    size = uploaded_file.size
    if size is not None and size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size).1f MB; files may be at most %(limit)d MB.")
            % {"name": name, "size": size / 1024 / 1024, "limit": limit // 1024 // 1024},
            code="too_large",
        )
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB.") % {"name": name, "limit": limit // 1024 // 1024},
            code="too_large",
        )
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(
            _("“%(name)s” is not a JPEG, PNG or WebP image or a PDF document; other files are not accepted.")
            % {"name": name},
            code="type",
        )
    extension = PurePath(name).suffix.lower()
    if extension not in TYPES[content_type]:
        raise ValidationError(
            _("The content of “%(name)s” does not match its name: it is a %(kind)s file.")
            % {"name": name, "kind": content_type.split("/")[1].upper()},
            code="mismatch",
        )
    if content_type == "application/pdf":
        return CleanFile(_clean_pdf(data, name), content_type, extension, None, name)
    image_data, thumbnail = _clean_image(data, name, content_type)
    return CleanFile(image_data, content_type, extension, thumbnail, name)


def _clean_pdf(data: bytes, name: str) -> bytes:
    if PDF_ACTIVE_CONTENT.search(data):
        raise ValidationError(
            _("“%(name)s” contains scripts, embedded files or automatic actions; save it again as a plain PDF.")
            % {"name": name},
            code="active_pdf",
        )
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("“%(name)s” is not a complete PDF document.") % {"name": name}, code="broken")
    return data


def _clean_image(data: bytes, name: str, content_type: str) -> tuple[bytes, bytes]:
    broken = ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}, code="broken")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if PIL_FORMATS.get(probe.format) != content_type:
                raise broken
            if probe.width * probe.height > settings.WUXING_UPLOAD_MAX_PIXELS:
                raise ValidationError(
                    _("“%(name)s” is %(width)d × %(height)d pixels, too large an image.")
                    % {"name": name, "width": probe.width, "height": probe.height},
                    code="too_many_pixels",
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Turn the picture upright by its EXIF orientation before EXIF is dropped.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((settings.WUXING_IMAGE_MAX_EDGE, settings.WUXING_IMAGE_MAX_EDGE))
            cleaned = _encode(image, content_type)
            thumb = image.copy()
            thumb.thumbnail((settings.WUXING_THUMBNAIL_EDGE, settings.WUXING_THUMBNAIL_EDGE))
            thumbnail = _encode(thumb, "image/jpeg")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise broken from None
    return cleaned, thumbnail


def _encode(image: Image.Image, content_type: str) -> bytes:
    """Re-encode pixels only: no EXIF, XMP, ICC profile or comments are carried over."""
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    elif content_type == "image/png":
        if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
            image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def clean_uploads(files, *, field: str | None = None) -> list[CleanFile]:
    """Check and clean every file of a request before anything is stored: one refused file refuses them all.

    Services taking several files call this first and pass the results to store_evidence, so a refusal leaves
    neither rows nor files behind. The error is keyed by `field` when given.
    """
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_upload(upload))
        except ValidationError as exc:
            raise ValidationError({field: exc.messages} if field else exc.messages) from None
    return cleaned


def store_evidence(model_cls, uploaded_file, *, actor, **owner_fields):
    """Check, clean and save an uploaded file as a `model_cls` (an EvidenceFileBase) row; call inside a transaction.

    `uploaded_file` is an upload, or a CleanFile from clean_uploads. Raises ValidationError (in Chinese) and
    stores nothing when the file is refused.
    """
    clean = uploaded_file if isinstance(uploaded_file, CleanFile) else clean_upload(uploaded_file)
    evidence = model_cls(
        **owner_fields,
        original_name=clean.original_name,
        content_type=clean.content_type,
        size=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
        uploaded_by=user_or_none(actor),
    )
    evidence.file.save("upload" + clean.extension, ContentFile(clean.data), save=False)
    if clean.thumbnail is not None:
        evidence.thumbnail.save("thumb.jpg", ContentFile(clean.thumbnail), save=False)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.upload",
        obj=evidence,
        after={
            "name": clean.original_name,
            "type": clean.content_type,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )
    return evidence


def evidence_response(evidence, *, thumbnail: bool = False, public: bool = False) -> FileResponse:
    """Serve a stored file; the caller has checked that the user may see it. Never rendered as a page."""
    if thumbnail and evidence.thumbnail:
        response = FileResponse(evidence.thumbnail.open("rb"), content_type="image/jpeg")
    else:
        response = FileResponse(
            evidence.file.open("rb"), content_type=evidence.content_type, filename=evidence.original_name
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Personal evidence is never kept in a cache; only what the office's public site shows may be, for an hour.
    response["Cache-Control"] = "private, max-age=3600" if public else "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------------
# Sample files for tests and the demo office
# ---------------------------------------------------------------------------------------------------------

CJK_FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
]


def _font(size: int):
    for path in CJK_FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def sample_jpeg(label: str = "", *, exif_gps: bool = False, size=(640, 480), color=(200, 22, 29)) -> bytes:
    """A photo-like JPEG with a caption; with exif_gps, it carries a camera model and a GPS position in EXIF."""
    image = Image.new("RGB", size, (245, 240, 232))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, 0, width, height // 5], fill=color)
    draw.rectangle([width // 10, height // 3, width * 9 // 10, height * 5 // 6], outline=color, width=6)
    if label:
        draw.text((width // 10, height // 3 + 16), label, fill=(40, 40, 40), font=_font(max(14, height // 14)))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "WuxingCam"  # Make
        exif[0x0110] = "Field Model 1"  # Model
        gps = exif.get_ifd(0x8825)
        gps[1] = "N"
        gps[2] = (34.0, 45.0, 36.0)
        gps[3] = "E"
        gps[4] = (113.0, 39.0, 54.0)
        image.save(out, "JPEG", quality=80, exif=exif)
    else:
        image.save(out, "JPEG", quality=80)
    return out.getvalue()


def sample_png(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 22, 29)).save(out, "PNG")
    return out.getvalue()


def sample_pdf(text: str = "Evidence") -> bytes:
    """A small, valid one-page PDF (no scripts)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def as_upload(data: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
