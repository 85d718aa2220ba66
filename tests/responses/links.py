"""Answering through the link as invitees' browsers do, one at a time or all at once."""

from concurrent.futures import ThreadPoolExecutor

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from rsvp.invitees.models import Invitee
from rsvp.tokens import make_token
from tests.conftest import csrf_token


def link_of(target: Invitee | str) -> str:
    token = target if isinstance(target, str) else make_token(target)
    return f"/r/{token}"


def answer(client: FlaskClient, target: Invitee | str, **fields: str) -> TestResponse:
    """Open the page, then send the form: accepted without guests unless ``fields`` say else."""
    url = link_of(target)
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "response": "accepted", "guests": "0",
            "comment": ""} | fields
    return client.post(url, data=data)


def post_together(app: Flask, client: FlaskClient,
                  posts: list[tuple[Invitee | str, dict[str, str]]]) -> list[int]:
    """Send every (link, form fields) post at once, each from its own client; the statuses.

    Each link's form token is read from its page first, as a browser would have it.
    """
    # Links are signed here: the threads have no app context.
    requests = [(link_of(target), fields) for target, fields in posts]
    tokens = {url: csrf_token(client.get(url).text) for url, _ in requests}

    def post(request: tuple[str, dict[str, str]]) -> int:
        url, fields = request
        return app.test_client().post(url, data={"csrf_token": tokens[url], **fields}).status_code

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))
