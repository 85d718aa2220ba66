"""The answers-over-time chart as plain SVG geometry: drawn on the server, no script needed."""

from dataclasses import dataclass
from datetime import timedelta

from rsvp.dashboard.queries import DailyAnswers

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    accepted: str
    declined: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    left: int
    right: int
    top: int
    bottom: int


def answer_chart(series: list[DailyAnswers]) -> Chart | None:
    """Lines of accepted and declined answers at the end of each day; None without answers."""
    if not series:
        return None
    # The line starts at zero the day before the first answer and ends on the last day.
    start = series[0].day - timedelta(days=1)
    span = (series[-1].day - start).days
    top_value = _nice_maximum(max(max(d.accepted, d.declined) for d in series))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day_offset: int) -> float:
        return round(LEFT + plot_w * day_offset / span, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top_value), 1)

    def line(values: list[tuple[int, int]]) -> str:
        return " ".join(f"{x(offset)},{y(value)}" for offset, value in [(0, 0), *values])

    offsets = [(d.day - start).days for d in series]
    y_ticks = [Tick(y(v), str(v)) for v in (0, top_value // 2, top_value)]
    x_ticks = [Tick(x(0), start.isoformat()), Tick(x(span), series[-1].day.isoformat())]
    return Chart(
        width=WIDTH, height=HEIGHT,
        accepted=line(list(zip(offsets, (d.accepted for d in series), strict=True))),
        declined=line(list(zip(offsets, (d.declined for d in series), strict=True))),
        y_ticks=y_ticks, x_ticks=x_ticks, left=LEFT, right=WIDTH - RIGHT, top=TOP,
        bottom=HEIGHT - BOTTOM,
    )


def _nice_maximum(value: int) -> int:
    """A round upper end for the axis at or above ``value``: 2, 4, 10, 20, 40, 100, ..."""
    value = max(value, 2)
    scale = 1
    while True:
        for step in (2, 4, 10):
            if value <= step * scale:
                return step * scale
        scale *= 10
