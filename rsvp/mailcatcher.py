"""A local SMTP server that keeps what it receives: see the invitations without a mail server."""

import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session


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


def serve(host: str, port: int, directory: Path) -> None:
    """Run until interrupted."""
    controller = Controller(KeepingHandler(directory), hostname=host, port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    print(f"Mail catcher on {host}:{port}, keeping messages in {directory.resolve()}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
