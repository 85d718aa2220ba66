"""Answers taken by phone or letter, uploaded as a CSV and recorded in one go."""

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.submissions import once
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.csvfile import CsvFileError
from rsvp.mailing.dispatch import dispatch
from rsvp.questions.queries import questions_of
from rsvp.responses.imports import import_answers, question_columns
from rsvp.responses.services import EventCancelled


class AnswerUploadForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Please choose a file."))])
    confirm = BooleanField(_l("Send each invitee the usual confirmation by email"), default=True)


@bp.get("/events/<slug>/answers/import")
def answers_upload(slug: str) -> str:
    """The upload form for answers, with what the file may contain."""
    event = load_event(slug)
    return render_template("dashboard/answers_import.html", event=event,
                           form=AnswerUploadForm(), report=None, columns=_columns(event))


def _columns(event: Event) -> list[str]:
    """The questions' columns an answers file of this event may have."""
    return list(question_columns(questions_of(db.session, event), event.max_guests))


@bp.post("/events/<slug>/answers/import")
@once
def answers_import(slug: str):  # type: ignore[no-untyped-def]
    """Record every row's answer in the organiser's name; bad rows are listed, not lost."""
    event = load_event(slug, needs=Permission.EDIT)
    form = AnswerUploadForm()
    if not form.validate_on_submit():
        return render_template("dashboard/answers_import.html", event=event, form=form,
                               report=None), 400
    try:
        report = import_answers(db.session, event, form.file.data.read(),
                                organiser_id=current_user.id, confirm=form.confirm.data)
    except (CsvFileError, EventCancelled) as exc:
        db.session.rollback()
        reason = str(exc) or _("the event is cancelled")
        form.file.errors = [_("This file cannot be imported: %(reason)s", reason=reason)]
        return render_template("dashboard/answers_import.html", event=event, form=form,
                               report=None), 400
    audit(AuditAction.ANSWERS_IMPORTED, event, recorded=report.recorded,
          unchanged=report.unchanged, rejected=len(report.rejected), queued=report.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), report)  # type: ignore[attr-defined]
    return render_template("dashboard/answers_import.html", event=event,
                           form=AnswerUploadForm(formdata=None), report=report)
