"""Uploaded CSV files kept on the server between the preview and the confirmed import."""

import re
import secrets
import time
from pathlib import Path

from flask import current_app

#: An upload's id is random and never chosen by the client, so it cannot name another file.
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
#: Uploads nobody confirmed are removed after this many seconds.
MAX_AGE = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(event_id: int, upload_id: str) -> Path:
    if not UPLOAD_ID.match(upload_id):
        raise LookupError("not an upload id")
    return _folder() / f"{event_id}-{upload_id}.csv"


def store_upload(event_id: int, data: bytes) -> str:
    """Keep an uploaded file for one event under a random name; returns its id."""
    _remove_stale()
    upload_id = secrets.token_hex(16)
    path = _path(event_id, upload_id)
    path.write_bytes(data)
    path.chmod(0o600)
    return upload_id


def load_upload(event_id: int, upload_id: str) -> bytes:
    """The bytes of an earlier upload for this event; LookupError if gone or never there."""
    path = _path(event_id, upload_id)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise LookupError("upload expired or already imported") from None


def discard_upload(event_id: int, upload_id: str) -> None:
    _path(event_id, upload_id).unlink(missing_ok=True)


def _remove_stale() -> None:
    cutoff = time.time() - MAX_AGE
    for path in _folder().glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
