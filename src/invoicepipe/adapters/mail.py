"""Split an RFC 822 e-mail (.eml) into its headers and attachments."""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass

from ..errors import UnsupportedInput


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str


@dataclass(frozen=True)
class EmailParts:
    message_id: str
    sender: str
    subject: str
    attachments: tuple[Attachment, ...]


def split_email(data: bytes) -> EmailParts:
    """Headers and every attached file; inline parts of the body itself are not attachments."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything it raises means unreadable
        # The parser's message may quote the headers it choked on: name the error, not the text.
        raise UnsupportedInput(f"e-mail cannot be parsed ({type(exc).__name__})") from None
    attachments = []
    for index, part in enumerate(msg.walk(), start=1):
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        # Signature logos come as inline parts; invoices come as attachments or named parts.
        # a named text/xml part is a stand-alone e-invoice (XRechnung is often sent that way)
        if disposition != "attachment" and not (filename and (part.get_content_maintype() in ("application", "image")
                                                              or part.get_content_type() == "text/xml")):
            continue
        if disposition == "inline" and part.get_content_maintype() == "image":
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append(Attachment(filename or f"attachment-{index}", payload, part.get_content_type()))
    return EmailParts(
        message_id=str(msg.get("Message-ID", "") or ""),
        sender=str(msg.get("From", "") or ""),
        subject=str(msg.get("Subject", "") or ""),
        attachments=tuple(attachments),
    )
