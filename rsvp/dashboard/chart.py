"""The answers-over-time chart as plain SVG geometry: drawn on the server, no script needed."""

from dataclasses import dataclass
from datetime import date, timedelta

from rsvp.dashboard.queries import DailyAnswers

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class DayTick:
    """A day on the time axis; the template writes it in the page's language."""

    position: float
    day: date


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    accepted: str
    declined: str
    y_ticks: list[Tick]
    x_ticks: list[DayTick]
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
        return " ".join(f"{x(offset)},{y(value)}" for offset, value in _steps(values))

    offsets = [(d.day - start).days for d in series]
    y_ticks = [Tick(y(v), str(v)) for v in (0, top_value // 2, top_value)]
    x_ticks = [DayTick(x(0), start), DayTick(x(span), series[-1].day)]
    return Chart(
        width=WIDTH, height=HEIGHT,
        accepted=line(list(zip(offsets, (d.accepted for d in series), strict=True))),
        declined=line(list(zip(offsets, (d.declined for d in series), strict=True))),
        y_ticks=y_ticks, x_ticks=x_ticks, left=LEFT, right=WIDTH - RIGHT, top=TOP,
        bottom=HEIGHT - BOTTOM,
    )


def _steps(values: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The points from zero through each day's total, level over days without a change.

    A straight line from one day with answers to the next would claim answers in between.
    """
    points, last = [(0, 0)], 0
    for offset, value in values:
        if offset - 1 > points[-1][0]:
            points.append((offset - 1, last))
        points.append((offset, value))
        last = value
    return points


def _nice_maximum(value: int) -> int:
    """A round upper end for the axis at or above ``value``: 2, 4, 10, 20, 40, 100, ..."""
    value = max(value, 2)
    scale = 1
    while True:
        for step in (2, 4, 10):
            if value <= step * scale:
                return step * scale
        scale *= 10
