"""The baseline of the page benchmark: a bare Flask endpoint under the same gunicorn setup."""

from flask import Flask

app = Flask(__name__)


@app.route("/bare", methods=["GET", "POST"])
def bare() -> str:
    return "ok"
