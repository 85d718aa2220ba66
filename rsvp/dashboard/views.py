"""The organiser's pages: events, an event's overview, and the export."""

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.checkin.queries import arrivals
from rsvp.dashboard import (  # noqa: F401  (their routes join bp)
    activity,
    announcements,
    answer_imports,
    checkin,
    imports,
    invitees,
    lists,
    mail_texts,
    previews,
    questions,
    render_failures,
    schedule,
    sending,
    team,
    waitlist,
)
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.chart import answer_chart
from rsvp.dashboard.forms import EVENT_FIELDS, EventForm
from rsvp.dashboard.queries import (
    answers_over_time,
    counted_questions,
    event_overview,
    message_counts,
)
from rsvp.dashboard.submissions import once
from rsvp.events.models import LOCALISED_FIELDS, Event
from rsvp.events.operations import update_event
from rsvp.events.services import EventError, create_event
from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.i18n import format_event_when, format_local_date
from rsvp.invitees.export import csv_lines, export_rows, export_widths, office_rows, office_values
from rsvp.invitees.xlsxfile import XLSX_MIMETYPE, workbook_bytes
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.models import MessageKind
from rsvp.outcome import Agent
from rsvp.responses.waitlist import waiting_list

__all__ = ["bp"]


@bp.get("/events/")
def events() -> str:
    """The organiser's events with invitees and answers counted."""
    return render_template("dashboard/events.html",
                           overview=event_overview(db.session, current_user.id,
                                                   is_admin=current_user.is_admin))


@bp.route("/events/new", methods=["GET", "POST"])
@once
def event_new():  # type: ignore[no-untyped-def]
    """Create an event owned by the organiser."""
    form = EventForm()
    if form.validate_on_submit() and _slug_is_free(form):
        try:
            event = create_event(db.session, form.raw(), owner_id=current_user.id)
        except EventError as exc:
            _attach_error(form, exc)
        else:
            audit(AuditAction.EVENT_CREATED, event)
            db.session.commit()
            flash(_("The event has been created."), "success")
            return redirect(url_for("dashboard.event", slug=event.slug), 303)
    return render_template("dashboard/event_form.html", form=form, event=None), _status(form)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def event_edit(slug: str):  # type: ignore[no-untyped-def]
    """Change an event's details; its short name stays, since links and files use it."""
    event = load_event(slug, needs=Permission.EDIT)
    form = EventForm(data=None if request.method == "POST" else _form_data(event))
    form.slug.data = event.slug
    if form.validate_on_submit():
        try:
            outcome = update_event(db.session, event, form.raw(),
                                   by=Agent.organiser(current_user.id))
        except EventError as exc:
            db.session.rollback()
            _attach_error(form, exc)
        else:
            audit(AuditAction.EVENT_EDITED, event, queued=outcome.queued)
            db.session.commit()
            # A larger capacity may have moved people up from the waiting list.
            dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("dashboard.event", slug=event.slug), 303)
    return render_template("dashboard/event_form.html", form=form, event=event), _status(form)


def _slug_is_free(form: EventForm) -> bool:
    taken = db.session.scalar(select(Event.id).where(Event.slug == form.slug.data))
    if taken is not None:
        form.slug.errors = [_("An event with this short name exists already.")]
    return taken is None


def _status(form: EventForm) -> int:
    return 400 if form.is_submitted() and form.errors else 200


def _form_data(event: Event) -> dict[str, object]:
    """The event's values as the form shows them: times local to the event's zone."""
    data: dict[str, object] = {name: getattr(event, name) for name in EVENT_FIELDS
                               if hasattr(Event, name)}
    for row in event.translations:
        data |= {f"{name}_{row.language}": getattr(row, name) for name in LOCALISED_FIELDS}
    for name in ("starts_at", "ends_at", "rsvp_deadline"):
        moment = getattr(event, name)
        data[name] = moment.astimezone(event.zone).strftime("%Y-%m-%dT%H:%M") if moment else ""
    return data


def _attach_error(form: EventForm, error: EventError) -> None:
    """Show a service's error at the field it names ("slug: ..."), or above the form."""
    if error.field in form:
        form[error.field].errors = [*form[error.field].errors, str(error.message)]
    else:
        form.form_errors.append(str(error))


@bp.get("/events/<slug>/")
def event(slug: str) -> str:
    """Where the event stands: counts, response rate and answers over time."""
    event = load_event(slug)
    series = answers_over_time(db.session, event)
    return render_template(
        "dashboard/event.html", event=event, stats=event_stats(db.session, event),
        chart=answer_chart(series), series=series,
        when=format_event_when(event, get_locale().language),
        invitations=message_counts(db.session, event, MessageKind.INVITATION),
        waiting=waiting_list(db.session, event), action_form=Form(),
        arrivals=arrivals(db.session, event.id),
        counted=counted_questions(db.session, event), language=get_locale().language,
        purge_date=format_local_date(event.purged_at or event.purge_due_at, event,
                                     get_locale().language),
    )


@bp.get("/events/<slug>/export.csv")
def export(slug: str) -> BaseResponse:
    """Every invitee with delivery state and answer as CSV, streamed in chunks.

    ``dialect=excel``: for German Excel, with semicolons, the page's language and local
    times; otherwise the machine-readable columns (``dialect=semicolon``: with semicolons).
    """
    event = load_event(slug, needs=Permission.EXPORT)
    dialect = request.args.get("dialect")
    rows = office_rows(db.session, event) if dialect == "excel" else export_rows(db.session, event)
    lines = csv_lines(rows, delimiter="," if dialect is None else ";", bom=True)
    audit(AuditAction.EXPORTED, event, format="csv" if dialect is None else f"csv-{dialect}")
    db.session.commit()  # the log entry is the one write of this GET: who took the data
    return Response(
        stream_with_context(lines), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-invitees.csv"'},
    )


@bp.get("/events/<slug>/export.xlsx")
def export_xlsx(slug: str) -> BaseResponse:
    """The office export as an Excel workbook: typed cells, a frozen header, column widths."""
    event = load_event(slug, needs=Permission.EXPORT)
    data = workbook_bytes(office_values(db.session, event), widths=export_widths(),
                          language=get_locale().language, title=event.slug)
    return Response(data, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{event.slug}-invitees.xlsx"'})
