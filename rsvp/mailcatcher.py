"""A local SMTP server that keeps what it receives: see the invitations without a mail server."""

import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class KeepingHandler:
    """Writes every message it receives to ``directory`` as a numbered .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.count = len(list(directory.glob("*.eml")))

    async def handle_DATA(self, _server: object, _session: Session, envelope: Envelope) -> str:
        self.count += 1
        content = envelope.original_content or envelope.content
        path = self.directory / f"{self.count:05d}.eml"
        path.write_bytes(content)
        subject = message_from_bytes(content, policy=policy.default).get("Subject", "")
        print(f"mail {self.count}: to {', '.join(envelope.rcpt_tos)}: {subject} -> {path}",
              flush=True)
        return "250 Message accepted for delivery"


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request: the list reloads itself every few seconds."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def serve_viewer(host: str, port: int, directory: Path) -> BaseWSGIServer:
    """Serve the web view of ``directory`` on ``host:port`` in a thread; returns the server."""
    from rsvp.mailviewer import create_viewer

    server = make_server(host, port, create_viewer(directory), threaded=True,
                         request_handler=QuietRequestHandler)
    threading.Thread(target=server.serve_forever, name="mail-viewer", daemon=True).start()
    return server


def serve(host: str, port: int, directory: Path, web_port: int = 0) -> None:
    """Run until interrupted; with ``web_port``, also the web view of what was caught."""
    handler = KeepingHandler(directory)
    controller = Controller(handler, hostname=host, port=port, enable_SMTPUTF8=True)
    controller.start()
    print(f"Mail catcher on {host}:{port}, keeping messages in {directory.resolve()}", flush=True)
    if web_port:
        serve_viewer(host, web_port, handler.directory)
        print(f"Caught mail in the browser: http://{host}:{web_port}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
