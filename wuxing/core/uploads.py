"""Evidence uploads: what is accepted, how it is cleaned, and how it is served back.

Accepted are JPEG, PNG and WebP images and PDF documents, recognised by their content; a name that claims
another type is refused, as is anything else (SVG, HTML, executables, archives). Images are decoded and
re-encoded, which drops EXIF (GPS position, camera serial) and anything hidden after the image data; a
thumbnail is made for lists. PDFs carrying JavaScript or auto-run actions are refused. Files are stored under
random names outside the static files and served only by views that have checked the user's scope.

Images are decoded only after their header shows a size within WUXING_UPLOAD_MAX_PIXELS, and are re-encoded from
their pixels alone: a new image gets the pixel data and nothing else (no EXIF, comment, text chunk or colour
profile; a profile is applied to the pixels, converting them to sRGB, before it is dropped). PDFs are parsed
(pypdf) and every object is walked, with names decoded by the parser so that escapes like `/Java#53cript` do not
hide them; a file that does not parse, has no page, or carries anything that acts on its own is refused. PDFs are
always served as downloads, never shown in the browser.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

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
# A quick look at the raw bytes first (it also sees objects no cross-reference table points to), then the parsed tree.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|OpenAction|AA|EmbeddedFiles?|RichMedia|XFA|AcroForm)\b")
# Names (as keys or values) that make a PDF act on its own: scripts, automatic and launch actions, embedded files,
# multimedia, forms (AcroForm and XFA can carry scripts and submit data).
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
        "/AcroForm",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
    }
)
# The walk over a PDF's objects stops (and refuses the file) after this many dictionaries, arrays and references,
# so that a hostile file cannot keep it running; real evidence documents have a few thousand.
PDF_MAX_OBJECTS = 100_000
# Markup a browser would render if it ever sniffed the file as a page: a PDF carrying it is a polyglot.
PDF_MARKUP = re.compile(rb"<\s*(script|html|!doctype|iframe|svg|body)\b", re.IGNORECASE)

# Pillow's own decompression-bomb guard, at the upload limit's default; the limit itself is checked (with a clear
# message) from the header before any pixel is decoded.
Image.MAX_IMAGE_PIXELS = settings.WUXING_UPLOAD_MAX_PIXELS


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
    active = ValidationError(
        _("“%(name)s” contains scripts, embedded files or automatic actions; save it again as a plain PDF.")
        % {"name": name},
        code="active_pdf",
    )
    broken = ValidationError(_("“%(name)s” is not a complete PDF document.") % {"name": name}, code="broken")
    if PDF_ACTIVE_CONTENT.search(data):
        raise active
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise broken
    if data[end + 5 :].strip(b"\r\n\t \x00") or PDF_MARKUP.search(data):
        raise ValidationError(
            _(
                "“%(name)s” carries content that is not part of a PDF document (such as a web page); save it again as a plain PDF."
            )
            % {"name": name},
            code="polyglot",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("“%(name)s” is protected by a password; save it again without one.") % {"name": name},
                code="encrypted",
            )
        if len(reader.pages) < 1:
            raise broken
        found = _pdf_active_name(reader)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a hostile file may break the parser in any way; all of them mean "refused"
        raise broken from None
    if found:
        raise active
    return data


class _PdfTooComplex(Exception):
    pass


def _pdf_active_name(reader: PdfReader) -> str | None:
    """The first active-content name anywhere among the PDF's objects, or None.

    Starts from the trailer and from every object the cross-reference tables list (including those inside
    compressed object streams), so an object that nothing refers to is looked at too. Raises _PdfTooComplex past
    PDF_MAX_OBJECTS containers.
    """
    stack: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(number, generation, reader) for number in numbers)
    stack.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen: set[tuple[int, int]] = set()
    steps = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, NameObject):
            if obj in PDF_ACTIVE_NAMES:
                return str(obj)
            continue
        if not isinstance(obj, DictionaryObject | ArrayObject):
            continue
        steps += 1
        if steps > PDF_MAX_OBJECTS:
            raise _PdfTooComplex
        # dict.items() and list iteration give the raw values: references are followed here, once each.
        for key, value in obj.items() if isinstance(obj, DictionaryObject) else enumerate(obj):
            if isinstance(key, NameObject) and key in PDF_ACTIVE_NAMES:
                return str(key)
            if isinstance(value, NameObject):
                if value in PDF_ACTIVE_NAMES:
                    return str(value)
            elif isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                stack.append(value)
    return None


def _too_many_pixels(name: str, size: tuple[int, int] | None) -> ValidationError:
    limit = settings.WUXING_UPLOAD_MAX_PIXELS
    if size:
        message = _("The image “%(name)s” is too large (%(width)d × %(height)d pixels, at most %(limit)s pixels).") % {
            "name": name,
            "width": size[0],
            "height": size[1],
            "limit": f"{limit:,}",
        }
    else:
        message = _("The image “%(name)s” is too large (more than %(limit)s pixels).") % {
            "name": name,
            "limit": f"{limit:,}",
        }
    return ValidationError(message, code="too_many_pixels")


def _clean_image(data: bytes, name: str, content_type: str) -> tuple[bytes, bytes]:
    broken = ValidationError(_("“%(name)s” is not a readable image.") % {"name": name}, code="broken")
    edge = settings.WUXING_IMAGE_MAX_EDGE
    try:
        with warnings.catch_warnings():
            # The size is checked below against our own limit, with a message that says so.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if PIL_FORMATS.get(probe.format) != content_type:
                    raise broken
                # Opening reads the header only: the size is known before any pixel is decoded.
                if probe.width * probe.height > settings.WUXING_UPLOAD_MAX_PIXELS:
                    raise _too_many_pixels(name, probe.size)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                if image.format == "JPEG":
                    # Decode a large JPEG straight at a reduced scale (never below the stored size).
                    image.draft(None, (edge, edge))
                image.load()
                # Turn the picture upright by its EXIF orientation before EXIF is dropped.
                image = ImageOps.exif_transpose(image)
                image.thumbnail((edge, edge))
                pixels = _pixels_only(image)
        cleaned = _encode(pixels, content_type)
        thumb = pixels.copy()
        thumb.thumbnail((settings.WUXING_THUMBNAIL_EDGE, settings.WUXING_THUMBNAIL_EDGE))
        thumbnail = _encode(thumb, "image/jpeg")
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(name, None) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise broken from None
    return cleaned, thumbnail


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels of `image`, in sRGB when it carried a colour profile.

    Saving an image again keeps some of what it was read with (a JPEG comment, an ICC profile); a new image
    has nothing to keep.
    """
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        mode = image.mode
    elif image.mode in ("P", "PA"):
        mode = "RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB"
    elif image.mode == "1":
        mode = "L"
    else:
        mode = "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                ImageCms.createProfile("sRGB"),
                outputMode=mode if mode in ("RGB", "RGBA") else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: the pixels are kept as they are, the profile is dropped all the same
    if image.mode != mode:
        image = image.convert(mode)
    fresh = Image.new(mode, image.size)
    fresh.paste(image, (0, 0))
    return fresh


def _encode(image: Image.Image, content_type: str) -> bytes:
    """Encode an image made by _pixels_only; nothing but pixels is written."""
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=85, optimize=True)
    elif content_type == "image/png":
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


def evidence_response(evidence, *, thumbnail: bool = False, public: bool = False):
    """Serve a stored file; the caller has checked that the user may see it. Never rendered as a page.

    Images are shown inline; PDFs are always downloads (a browser's PDF viewer runs whatever the file carries).
    The file is streamed through the app from whichever storage holds it (local files or an S3 bucket); with
    WUXING_S3_PRESIGNED on an S3 bucket, the answer is instead a redirect to a URL signed for
    WUXING_S3_URL_SECONDS, issued only here, after the caller's scope check (docs/deploy.md).
    """
    if thumbnail and evidence.thumbnail:
        field, content_type, filename, as_attachment = evidence.thumbnail, "image/jpeg", None, False
    else:
        field = evidence.file
        content_type, filename = evidence.content_type, evidence.original_name
        as_attachment = content_type == "application/pdf"
    if getattr(settings, "WUXING_S3_PRESIGNED", False) and hasattr(field.storage, "bucket_name"):
        return presigned_redirect(field, content_type=content_type, filename=filename, as_attachment=as_attachment)
    response = FileResponse(
        field.open("rb"), content_type=content_type, filename=filename or "", as_attachment=as_attachment
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Personal evidence is never kept in a cache; only what the office's public site shows may be, for an hour.
    response["Cache-Control"] = "private, max-age=3600" if public else "private, no-store"
    return response


def presigned_redirect(field, *, content_type: str, filename: str | None, as_attachment: bool):
    """A redirect to a short-lived signed URL of an object in an S3 bucket; the object store answers with the
    content type, disposition and no-store caching given here (the URL itself is never cached)."""
    parameters = {"ResponseContentType": content_type, "ResponseCacheControl": "private, no-store"}
    disposition = content_disposition_header(as_attachment, filename) if filename or as_attachment else None
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    url = field.storage.url(field.name, parameters=parameters, expire=settings.WUXING_S3_URL_SECONDS)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
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
    return pdf_from_objects(*objects)


def pdf_from_objects(*objects: bytes, header: bytes = b"%PDF-1.4\n") -> bytes:
    """A PDF of the given object bodies with a classic cross-reference table; object 1 is the catalog (tests)."""
    out = io.BytesIO()
    out.write(header)
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
