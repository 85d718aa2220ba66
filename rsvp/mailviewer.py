"""A web view of the mail catcher's folder: each caught message as it was sent, for development.

A separate little app on its own port, started only by ``rsvp mailcatcher``: it is never part
of the app that ``create_app`` builds, so it cannot be reached in production.
"""

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from flask import Flask, Response, abort, current_app, render_template, url_for
from markupsafe import Markup, escape

from rsvp.paths import PACKAGE_DIR, TEMPLATES_DIR

#: The frame shows the mail as a mail program would: its own inline styles, no script, and
#: images only from the mail itself (its related parts, served by the viewer).
MAIL_FRAME_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
VIEWER_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
URL = re.compile(r"https?://[^\s<>\"']+")
CID = re.compile(r"""(src=["'])cid:([^"']+)(["'])""", re.IGNORECASE)


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class CaughtMail:
    number: int
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    @property
    def sender(self) -> str:
        return str(self.message.get("From", ""))

    @property
    def recipients(self) -> str:
        return ", ".join(address for _name, address in getaddresses(
            [str(v) for v in self.message.get_all("To", [])]))

    @property
    def date(self) -> str:
        raw = self.message.get("Date")
        return parsedate_to_datetime(str(raw)).strftime("%Y-%m-%d %H:%M:%S") if raw else ""

    @property
    def headers(self) -> list[tuple[str, str]]:
        return [(name, str(value)) for name, value in self.message.items()]

    @property
    def text(self) -> str | None:
        return _body(self.message, "plain")

    @property
    def html(self) -> str | None:
        return _body(self.message, "html")

    @property
    def attachments(self) -> list[Attachment]:
        return [Attachment(index, part.get_filename() or f"part-{index}",
                           part.get_content_type(), len(part.get_payload(decode=True) or b""))
                for index, part in _leaf_parts(self.message) if _is_attachment(part)]


def _leaf_parts(message: EmailMessage) -> list[tuple[int, EmailMessage]]:
    return [(index, part) for index, part in enumerate(message.walk())
            if not part.is_multipart()]


def _is_attachment(part: EmailMessage) -> bool:
    """A part a mail program offers to open or save: a file, or a calendar invitation."""
    return part.is_attachment() or part.get_content_maintype() not in ("text", "image") or (
        part.get_content_type() == "text/calendar")


def _body(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_subtype() != subtype:
        return None
    return str(part.get_content())


def caught_mails(directory: Path) -> list[CaughtMail]:
    """Every message in the folder, newest first."""
    paths = sorted(directory.glob("*.eml"), reverse=True)
    return [CaughtMail(int(path.stem), _parse(path)) for path in paths if path.stem.isdigit()]


def caught_mail(directory: Path, number: int) -> CaughtMail:
    path = directory / f"{number:05d}.eml"
    if not path.is_file():
        abort(404)
    return CaughtMail(number, _parse(path))


def _parse(path: Path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


def linked_text(text: str) -> Markup:
    """The text part, escaped, with its addresses as links (the RSVP link among them)."""
    pieces, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0)
        pieces += [escape(text[last:match.start()]),
                   Markup('<a href="{0}" target="_top">{0}</a>').format(url)]
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)


def framed_html(mail: CaughtMail) -> str:
    """The HTML part for the frame: links open in the whole window, cid: images from here."""
    def served(match: re.Match[str]) -> str:
        url = url_for("related_part", number=mail.number, cid=match.group(2))
        return f"{match.group(1)}{url}{match.group(3)}"

    html = CID.sub(served, mail.html or "")
    base = '<base target="_top">'
    head = re.search(r"<head[^>]*>", html, re.IGNORECASE)
    return html[:head.end()] + base + html[head.end():] if head else base + html


def create_viewer(directory: Path) -> Flask:
    """The viewer app for the messages kept in ``directory``."""
    viewer = Flask(__name__, template_folder=str(TEMPLATES_DIR),
                   static_folder=str(PACKAGE_DIR / "static"))
    viewer.config["MAIL_DIRECTORY"] = directory
    viewer.add_url_rule("/", "index", _index)
    viewer.add_url_rule("/mail/<int:number>", "mail", _mail)
    viewer.add_url_rule("/mail/<int:number>/html", "mail_html", _mail_html)
    viewer.add_url_rule("/mail/<int:number>/part/<int:index>", "part", _part)
    viewer.add_url_rule("/mail/<int:number>/cid/<path:cid>", "related_part", _related_part)
    viewer.add_url_rule("/mail/<int:number>.eml", "raw", _raw)
    viewer.after_request(_viewer_headers)
    return viewer


def _directory() -> Path:
    return Path(current_app.config["MAIL_DIRECTORY"])


def _index() -> str:
    return render_template("mailviewer/index.html", mails=caught_mails(_directory()))


def _mail(number: int) -> str:
    return render_template("mailviewer/mail.html", mail=caught_mail(_directory(), number),
                           linked_text=linked_text)


def _mail_html(number: int) -> Response:
    mail = caught_mail(_directory(), number)
    if mail.html is None:
        abort(404)
    return Response(framed_html(mail), mimetype="text/html",
                    headers={"Content-Security-Policy": MAIL_FRAME_POLICY,
                             "X-Frame-Options": "SAMEORIGIN"})


def _part(number: int, index: int) -> Response:
    parts = dict(_leaf_parts(caught_mail(_directory(), number).message))
    part = parts.get(index)
    if part is None:
        abort(404)
    filename = part.get_filename() or f"part-{index}"
    return Response(part.get_payload(decode=True) or b"", mimetype=part.get_content_type(),
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _related_part(number: int, cid: str) -> Response:
    for _index, part in _leaf_parts(caught_mail(_directory(), number).message):
        if str(part.get("Content-ID", "")).strip("<>") == cid:
            return Response(part.get_payload(decode=True) or b"",
                            mimetype=part.get_content_type())
    abort(404)


def _raw(number: int) -> Response:
    path = _directory() / f"{number:05d}.eml"
    if not path.is_file():
        abort(404)
    return Response(path.read_bytes(), mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="{path.name}"'})


def _viewer_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", VIEWER_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers["Cache-Control"] = "no-store"
    return response
