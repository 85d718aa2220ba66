"""Printing for the day: the participant list (PDF, Excel) and the name badges (PDF).

Personal data leaves the app here, so every route needs the export permission (a viewer
may look, not take the list home). The choices are a GET form: nothing changes.
"""

from flask import current_app, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from rsvp.checkin.badges import LABELS, LAYOUTS, badges_of, badges_pdf
from rsvp.checkin.participant_list import list_sheet, participants_pdf, participants_xlsx
from rsvp.checkin.participants import COLUMNS, DEFAULT_COLUMNS, ListOptions, list_options
from rsvp.checkin.participants import participants as accepted_people
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.events.models import Event
from rsvp.extensions import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def options_from(args: MultiDict[str, str]) -> ListOptions:
    """The form's choices; a link without them gets the default columns."""
    columns = args.getlist("column") if "chosen" in args else None
    return list_options(columns, signature=args.get("signature") == "1",
                        consented_only=args.get("consented") == "1")


def _download(content: bytes, mimetype: str, filename: str) -> BaseResponse:
    return BaseResponse(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        # Personal data: no cache on the way keeps a copy.
        "Cache-Control": "no-store"})


@bp.get("/events/<slug>/lists")
def lists(slug: str) -> str:
    """Choose the list's columns and the badges' layout, then download."""
    event = load_event(slug, needs=Permission.EXPORT)
    return render_template("dashboard/lists.html", event=event, columns=COLUMNS,
                           default_columns=DEFAULT_COLUMNS, layouts=LAYOUTS.values(),
                           count=len(accepted_people(db.session, event)))


def _sheet(event: Event, options: ListOptions):  # type: ignore[no-untyped-def]
    people = accepted_people(db.session, event)
    return list_sheet(event, people, options, str(get_locale()))


@bp.get("/events/<slug>/participants.pdf")
def participants_pdf_file(slug: str) -> BaseResponse:
    """The participant list as an A4 PDF, with the chosen columns."""
    event = load_event(slug, needs=Permission.EXPORT)
    options = options_from(request.args)
    content = participants_pdf(event, _sheet(event, options), options, str(get_locale()),
                               current_app.config["PDF_FONT_DIR"])
    return _download(content, "application/pdf", f"{event.slug}-participants.pdf")


@bp.get("/events/<slug>/participants.xlsx")
def participants_xlsx_file(slug: str) -> BaseResponse:
    """The participant list as an Excel workbook, with the chosen columns."""
    event = load_event(slug, needs=Permission.EXPORT)
    content = participants_xlsx(event, _sheet(event, options_from(request.args)))
    return _download(content, XLSX, f"{event.slug}-participants.xlsx")


@bp.get("/events/<slug>/badges.pdf")
def badges_pdf_file(slug: str) -> BaseResponse:
    """Name badges for every accepted person, on label sheets or A6 pages."""
    event = load_event(slug, needs=Permission.EXPORT)
    layout = LAYOUTS.get(request.args.get("layout", ""), LABELS)
    badges = list(badges_of(accepted_people(db.session, event)))
    content = badges_pdf(event.title, badges, layout, current_app.config["PDF_FONT_DIR"])
    return _download(content, "application/pdf", f"{event.slug}-badges-{layout.key}.pdf")
