"""Answers taken by phone or letter, uploaded as a CSV or Excel file, previewed, then recorded.

The preview works as the invitee import's does (rsvp.dashboard.imports): the whole file is
recorded in a transaction that is rolled back, so it shows exactly what the import would do;
the confirmed import reads the copy kept on the server (rsvp.dashboard.uploads).
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.forms import ConfirmImportForm
from rsvp.dashboard.imports import PREVIEW_ROWS, UPLOAD_ACCEPT, confirmed_upload
from rsvp.dashboard.submissions import once
from rsvp.dashboard.uploads import discard_upload, store_upload
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.invitees.csvfile import CsvFileError
from rsvp.mailing.dispatch import dispatch
from rsvp.questions.queries import questions_of
from rsvp.responses.imports import AnswerImportReport, import_answers, question_columns
from rsvp.responses.services import EventCancelled


class AnswerUploadForm(Form):
    file = FileField(_l("CSV or Excel file"),
                     validators=[FileRequired(message=_l("Please choose a file."))])
    confirm = BooleanField(_l("Send each invitee the usual confirmation by email"), default=True)


class ConfirmAnswersForm(ConfirmImportForm):
    confirm = BooleanField(_l("Send each invitee the usual confirmation by email"))


def _upload_page(event: Event, form: AnswerUploadForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("dashboard/answers_import.html", event=event, form=form,
                           accept=UPLOAD_ACCEPT, columns=_columns(event)), status


def _columns(event: Event) -> list[str]:
    """The questions' columns an answers file of this event may have."""
    return list(question_columns(questions_of(db.session, event), event.max_guests))


@bp.get("/events/<slug>/answers/import")
def answers_upload(slug: str):  # type: ignore[no-untyped-def]
    """The upload form for answers, with what the file may contain."""
    return _upload_page(load_event(slug), AnswerUploadForm())


@bp.post("/events/<slug>/answers/import")
def answers_preview(slug: str):  # type: ignore[no-untyped-def]
    """Check the file and show what recording it would do; nothing is written yet."""
    event = load_event(slug, needs=Permission.EDIT)
    form = AnswerUploadForm()
    if not form.validate_on_submit():
        return _upload_page(event, form, 400)
    data = form.file.data.read()
    try:
        # Recorded without mails, then rolled back: the counts are the import's own.
        report = import_answers(db.session, event, data, organiser_id=current_user.id,
                                confirm=False, dry_run=True)
    except (CsvFileError, EventCancelled) as exc:
        form.file.errors = [_refusal(exc)]
        return _upload_page(event, form, 400)
    finally:
        db.session.rollback()
    confirm = ConfirmAnswersForm(formdata=None, upload=store_upload(event.id, data),
                                 confirm=form.confirm.data)
    return render_template("dashboard/answers_preview.html", event=event, report=report,
                           confirm=confirm, limit=PREVIEW_ROWS,
                           filename=form.file.data.filename or "")


@bp.post("/events/<slug>/answers/import/confirm")
@once
def answers_import(slug: str):  # type: ignore[no-untyped-def]
    """Record every row's answer in the organiser's name; bad rows are listed, not lost."""
    event = load_event(slug, needs=Permission.EDIT)
    form = ConfirmAnswersForm()
    data = confirmed_upload(event, form)
    if data is None:
        return redirect(url_for("dashboard.answers_upload", slug=event.slug), 303)
    try:
        report = import_answers(db.session, event, data, organiser_id=current_user.id,
                                confirm=form.confirm.data)
    except (CsvFileError, EventCancelled) as exc:
        db.session.rollback()
        flash(_refusal(exc), "error")
        return redirect(url_for("dashboard.answers_upload", slug=event.slug), 303)
    audit(AuditAction.ANSWERS_IMPORTED, event, recorded=report.recorded,
          unchanged=report.unchanged, rejected=len(report.rejected), queued=report.queued)
    db.session.commit()
    discard_upload(event.id, form.upload.data or "")
    dispatch(current_app._get_current_object(), report)  # type: ignore[attr-defined]
    return _result_page(event, report)


def _result_page(event: Event, report: AnswerImportReport) -> str:
    return render_template("dashboard/answers_done.html", event=event, report=report,
                           limit=PREVIEW_ROWS)


def _refusal(error: Exception) -> str:
    reason = str(error) or _("the event is cancelled")
    return _("This file cannot be imported: %(reason)s", reason=reason)
