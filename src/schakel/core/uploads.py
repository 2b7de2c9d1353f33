"""Files people attach (to a handover, to a question): PDF or an image, recognised by their
first bytes rather than their name, and no larger than a limit. The form field says what is
wrong in the user's language; the actions check again, whoever calls them."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from schakel.core.models import AttachedFile

ATTACHMENT_TYPES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}
ATTACHMENT_SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class AttachmentError(ValueError):
    """The file is too large ("too_large") or not a PDF or image ("wrong_type")."""


def attachment_type(upload: UploadedFile) -> str:
    """The type by the file's first bytes; refuses anything but PDF, PNG and JPEG, and
    anything larger than the limit."""
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise AttachmentError("too_large")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type in ATTACHMENT_TYPES.items():
        if head.startswith(magic):
            return content_type
    raise AttachmentError("wrong_type")


def store_attachment(attachment: AttachedFile, upload: UploadedFile, *, user: Any) -> None:
    """Check the upload (type by its bytes, size) and store it with ``attachment`` under a
    random name; the caller set what it is attached to, and logs the write."""
    content_type = attachment_type(upload)
    attachment.stored_name = secrets.token_hex(16) + ATTACHMENT_SUFFIXES[content_type]
    attachment.name = PurePath(upload.name or "bijlage").name[:200]
    attachment.content_type = content_type
    attachment.size = upload.size or 0
    attachment.uploaded_by = user
    attachment.file.save(attachment.stored_name, upload, save=False)  # type: ignore[attr-defined]
    attachment.save()


class AttachmentField(forms.FileField):
    """A PDF or image of at most 10 MB; anything else is refused with a clear message."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Attachment (PDF or image, at most 10 MB)"))
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        try:
            attachment_type(upload)
        except AttachmentError as error:
            if str(error) == "too_large":
                raise forms.ValidationError(
                    _("The file is larger than %(mb)d MB.") % {"mb": ATTACHMENT_MAX_BYTES // 2**20}
                ) from None
            raise forms.ValidationError(
                _("Only PDF files and images (PNG, JPEG) can be attached.")
            ) from None
        return upload
