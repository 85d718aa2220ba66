"""Importing invitees from an uploaded CSV or Excel file: preview first, write only when
confirmed."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.forms import ConfirmImportForm, UploadForm
from rsvp.dashboard.submissions import once
from rsvp.dashboard.uploads import discard_upload, load_upload, store_upload
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.csvfile import CsvFileError
from rsvp.invitees.services import import_invitees

#: Rows listed in the preview; the counts always cover the whole file.
PREVIEW_ROWS = 500
#: What the file pickers offer: CSV and Excel workbooks.
UPLOAD_ACCEPT = (".csv,text/csv,.xlsx,"
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/events/<slug>/import")
def import_upload(slug: str) -> str:
    """The upload form, with what the file may contain."""
    return render_template("dashboard/import.html", event=load_event(slug), form=UploadForm(),
                           accept=UPLOAD_ACCEPT)


@bp.post("/events/<slug>/import")
def import_preview(slug: str):  # type: ignore[no-untyped-def]
    """Check the uploaded file and show what an import would do; nothing is written yet."""
    event = load_event(slug, needs=Permission.EDIT)
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("dashboard/import.html", event=event, form=form,
                               accept=UPLOAD_ACCEPT), 400
    data = form.file.data.read()
    try:
        report = import_invitees(db.session, event, data, dry_run=True)
    except CsvFileError as exc:
        form.file.errors = [_("This file cannot be imported: %(reason)s", reason=str(exc))]
        return render_template("dashboard/import.html", event=event, form=form,
                               accept=UPLOAD_ACCEPT), 400
    finally:
        db.session.rollback()
    # The confirmed import reads this server-side copy, never a copy sent back by the client.
    confirm = ConfirmImportForm(formdata=None, upload=store_upload(event.id, data))
    return render_template("dashboard/import_preview.html", event=event, report=report,
                           confirm=confirm, limit=PREVIEW_ROWS,
                           filename=form.file.data.filename or "")


def confirmed_upload(event: Event, form: ConfirmImportForm) -> bytes | None:
    """The file a confirmed preview names, kept on the server; None (the organiser is told
    why) once it has expired or was imported already."""
    try:
        if not form.validate_on_submit():
            raise LookupError("no upload")
        return load_upload(event.id, form.upload.data or "")
    except LookupError:
        flash(_("This upload has expired or was imported already. Please upload the file again."),
              "error")
        return None


@bp.post("/events/<slug>/import/confirm")
@once
def import_confirm(slug: str):  # type: ignore[no-untyped-def]
    """Import the file previewed before and show what was done."""
    event = load_event(slug, needs=Permission.EDIT)
    form = ConfirmImportForm()
    data = confirmed_upload(event, form)
    if data is None:
        return redirect(url_for("dashboard.import_upload", slug=event.slug), 303)
    report = import_invitees(db.session, event, data)
    audit(AuditAction.INVITEES_IMPORTED, event, added=report.added, updated=report.updated,
          unchanged=report.unchanged, rejected=len(report.rejected))
    db.session.commit()
    discard_upload(event.id, form.upload.data or "")
    return render_template("dashboard/import_done.html", event=event, report=report,
                           limit=PREVIEW_ROWS)
