"""Printing for the day: the participant list (PDF, Excel) and the name badges (PDF).

Personal data leaves the app here, so every route needs the export permission (a viewer
may look, not take the list home). The choices are a GET form: nothing changes.
"""

from flask import current_app, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.checkin.badges import LABELS, LAYOUTS, badges_of, badges_pdf
from rsvp.checkin.participant_list import (
    ListSheet,
    list_sheet,
    participants_pdf,
    participants_xlsx,
)
from rsvp.checkin.participants import (
    COLUMNS,
    DEFAULT_COLUMNS,
    ListOptions,
    chosen_questions,
    consent_questions,
    list_options,
    question_columns,
)
from rsvp.checkin.participants import participants as accepted_people
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.events.models import Event
from rsvp.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def options_from(args: MultiDict[str, str], available: dict[str, str],
                 consents: dict[str, str]) -> ListOptions:
    """The form's choices; a link without them gets the default columns."""
    columns = args.getlist("column") if "chosen" in args else None
    consent = args.get("consent", "")
    return list_options(columns, signature=args.get("signature") == "1",
                        consent=consent if consent in consents else None, available=available)


def _download(event: Event, content: bytes, mimetype: str, filename: str,
              **counts: int) -> BaseResponse:
    audit(AuditAction.EXPORTED, event, format=filename.removeprefix(f"{event.slug}-"), **counts)
    db.session.commit()  # the log entry is the one write of this GET: who took the data
    return BaseResponse(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        # Personal data: no cache on the way keeps a copy.
        "Cache-Control": "no-store"})


def _language() -> str:
    return str(get_locale())


def _columns(event: Event) -> tuple[dict[str, str], dict[str, str]]:
    """The columns the list may show (fixed ones, then the questions) and the consents."""
    language = _language()
    fixed = {key: str(label) for key, label in COLUMNS.items()}
    return (fixed | question_columns(db.session, event, language),
            consent_questions(db.session, event, language))


@bp.get("/events/<slug>/lists")
def lists(slug: str) -> str:
    """Choose the list's columns and the badges' layout, then download."""
    event = load_event(slug, needs=Permission.EXPORT)
    columns, consents = _columns(event)
    return render_template("dashboard/lists.html", event=event, columns=columns,
                           consents=consents, default_columns=DEFAULT_COLUMNS,
                           layouts=LAYOUTS.values(),
                           count=len(accepted_people(db.session, event)))


def _sheet(event: Event) -> tuple[ListSheet, ListOptions]:
    columns, consents = _columns(event)
    options = options_from(request.args, columns, consents)
    people = accepted_people(db.session, event, consent=options.consent,
                             questions=chosen_questions(db.session, event, options),
                             language=_language())
    return list_sheet(event, people, options, _language(), labels=columns), options


@bp.get("/events/<slug>/participants.pdf")
def participants_pdf_file(slug: str) -> BaseResponse:
    """The participant list as an A4 PDF, with the chosen columns."""
    event = load_event(slug, needs=Permission.EXPORT)
    sheet, options = _sheet(event)
    content = participants_pdf(event, sheet, options, _language(),
                               current_app.config["PDF_FONT_DIR"])
    return _download(event, content, "application/pdf", f"{event.slug}-participants.pdf",
                     people=len(sheet.rows))


@bp.get("/events/<slug>/participants.xlsx")
def participants_xlsx_file(slug: str) -> BaseResponse:
    """The participant list as an Excel workbook, with the chosen columns."""
    event = load_event(slug, needs=Permission.EXPORT)
    sheet = _sheet(event)[0]
    content = participants_xlsx(event, sheet)
    return _download(event, content, XLSX, f"{event.slug}-participants.xlsx",
                     people=len(sheet.rows))


@bp.get("/events/<slug>/badges.pdf")
def badges_pdf_file(slug: str) -> BaseResponse:
    """Name badges for every accepted person and named guest, on label sheets or A6 pages."""
    event = load_event(slug, needs=Permission.EXPORT)
    layout = LAYOUTS.get(request.args.get("layout", ""), LABELS)
    badges = list(badges_of(accepted_people(db.session, event), event.language))
    content = badges_pdf(event.title, badges, layout, current_app.config["PDF_FONT_DIR"])
    return _download(event, content, "application/pdf",
                     f"{event.slug}-badges-{layout.key}.pdf", badges=len(badges))
