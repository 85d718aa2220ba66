"""Answers over time: summed from the history in SQL and drawn as SVG geometry."""

import re
from datetime import date, datetime, timedelta

from rsvp.dashboard.chart import answer_chart
from rsvp.dashboard.queries import DailyAnswers, answers_over_time
from rsvp.extensions import db
from rsvp.responses.services import record_answer


def test_changes_of_mind_move_an_answer_from_one_line_to_the_other(create_event,
                                                                   create_invitee):
    event = create_event()
    petra, hans = create_invitee(event), create_invitee(event)
    record_answer(db.session, petra, "accepted")
    record_answer(db.session, hans, "accepted")
    record_answer(db.session, hans, "declined")
    db.session.commit()
    series = answers_over_time(db.session, event)
    assert [(d.accepted, d.declined) for d in series] == [(1, 1)]


def test_deleted_invitees_leave_the_chart(create_event, create_invitee):
    event = create_event()
    petra = create_invitee(event)
    record_answer(db.session, petra, "accepted")
    db.session.commit()
    db.session.delete(petra)
    db.session.commit()
    assert answers_over_time(db.session, event) == []


def test_the_chart_starts_at_zero_the_day_before_and_scales_to_a_round_number():
    chart = answer_chart([DailyAnswers(date(2027, 11, 1), 3, 1),
                          DailyAnswers(date(2027, 11, 3), 7, 2)])
    assert chart is not None
    assert [t.day for t in chart.x_ticks] == [date(2027, 10, 31), date(2027, 11, 3)]
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10"]
    assert chart.accepted.split()[0] == f"{chart.left}.0,{chart.bottom}.0"
    assert len(chart.accepted.split()) == 4


def test_no_answers_draw_no_chart():
    assert answer_chart([]) is None


def test_the_lines_stay_level_over_days_without_answers():
    chart = answer_chart([DailyAnswers(date(2027, 11, 1), 3, 1),
                          DailyAnswers(date(2027, 11, 5), 7, 2)])
    assert chart is not None
    points = [tuple(map(float, p.split(","))) for p in chart.accepted.split()]
    # Zero the day before, 3 on the 1st, still 3 on the 4th, 7 on the 5th.
    assert [p[1] for p in points][1:3] == [points[1][1]] * 2
    assert points[2][0] < points[3][0] and points[3][1] < points[2][1]


def _axis_labels(page: str) -> list[str]:
    """The time axis's first and last day (the value axis's labels come before them)."""
    return re.findall(r'<text class="axis"[^>]*>([^<]+)</text>', page)[-2:]


def test_the_time_axis_names_its_days_in_german_without_the_year(
        organiser_client, create_event, create_invitee):
    event = create_event()
    record_answer(db.session, create_invitee(event), "accepted")
    db.session.commit()
    today = datetime.now(event.zone).date()
    labels = _axis_labels(organiser_client.get(f"/events/{event.slug}/").text)
    day_before = today - timedelta(days=1)
    assert labels == [f"{day_before.day}.{day_before.month}.", f"{today.day}.{today.month}."]


def test_the_time_axis_names_its_days_in_english_as_day_and_month(
        organiser_client, create_event, create_invitee):
    organiser_client.set_cookie("lang", "en")
    event = create_event()
    record_answer(db.session, create_invitee(event), "accepted")
    db.session.commit()
    today = datetime.now(event.zone).date()
    labels = _axis_labels(organiser_client.get(f"/events/{event.slug}/").text)
    assert labels[-1] == f"{today.day} {today:%b}"
