"""Schedule expressions in EventBridge's syntax: what they accept, and when they fall due."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.recurrence import ExpressionError, execution_suffix, iso, parse


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def occurrences(expression: str, after: str, count: int, timezone: str = "UTC") -> list[str]:
    recurrence = parse(expression, timezone)
    t, found = at(after), []
    for _ in range(count):
        due = recurrence.next_after(t, at(after))
        assert due is not None and due > t
        found.append(iso(due))
        t = due
    return found


def test_a_rate_counts_whole_periods_from_its_anchor() -> None:
    assert occurrences("rate(1 minute)", "2026-12-03T20:45:10", 3) == [
        "2026-12-03T20:46:10Z",
        "2026-12-03T20:47:10Z",
        "2026-12-03T20:48:10Z",
    ]
    assert occurrences("rate(2 hours)", "2026-12-03T20:00:00", 2) == ["2026-12-03T22:00:00Z", "2026-12-04T00:00:00Z"]
    assert occurrences("rate(3 days)", "2026-12-01T00:00:00", 1) == ["2026-12-04T00:00:00Z"]


def test_the_next_due_time_is_strictly_later_even_on_an_occurrence() -> None:
    recurrence = parse("cron(0 12 * * ? *)")
    noon = at("2026-12-03T12:00:00")
    assert recurrence.next_after(noon, noon) == at("2026-12-04T12:00:00")
    assert recurrence.next_after(noon - 0.001, noon) == noon


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 12 L * ? *)", ["2026-12-31T12:00:00Z", "2027-01-31T12:00:00Z", "2027-02-28T12:00:00Z"]),
        ("cron(0 12 15W * ? *)", ["2026-12-15T12:00:00Z", "2027-01-15T12:00:00Z", "2027-02-15T12:00:00Z"]),
        ("cron(0 10 ? * 6#3 *)", ["2026-12-18T10:00:00Z", "2027-01-15T10:00:00Z", "2027-02-19T10:00:00Z"]),
        ("cron(0 10 ? * 6L *)", ["2026-12-25T10:00:00Z", "2027-01-29T10:00:00Z", "2027-02-26T10:00:00Z"]),
        ("cron(15 8 ? * MON-FRI *)", ["2026-12-04T08:15:00Z", "2026-12-07T08:15:00Z", "2026-12-08T08:15:00Z"]),
        ("cron(0/20 * * * ? *)", ["2026-12-03T20:20:00Z", "2026-12-03T20:40:00Z", "2026-12-03T21:00:00Z"]),
        ("cron(0 0 1 JAN ? 2027-2028)", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"]),
    ],
)
def test_cron_fields_as_eventbridge_reads_them(expression: str, expected: list[str]) -> None:
    """Days of the week count 1-7 from SUNDAY: 6 is Friday; L, W and # as EventBridge defines them."""
    assert occurrences(expression, "2026-12-03T20:05:00", len(expected)) == expected


def test_a_cron_past_its_last_year_has_no_next_occurrence() -> None:
    recurrence = parse("cron(0 0 1 JAN ? 2027)")
    assert recurrence.next_after(at("2027-06-01T00:00:00"), 0) is None


def test_cron_is_read_in_its_time_zone_across_daylight_saving() -> None:
    # Nine o'clock in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    assert occurrences("cron(0 9 * * ? *)", "2027-03-27T00:00:00", 2, "Europe/Paris") == [
        "2027-03-27T08:00:00Z",
        "2027-03-28T07:00:00Z",
    ]
    assert parse("at(2027-01-01T00:00:00)", "America/New_York").next_after(0, 0) == at("2027-01-01T05:00:00")


def test_a_wall_time_repeated_by_daylight_saving_fires_once() -> None:
    # 01:30 happens twice in New York on 2027-11-07.
    found = occurrences("cron(30 1 * * ? *)", "2027-11-06T12:00:00", 2, "America/New_York")
    assert found == ["2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z"]


def test_an_at_expression_fires_once() -> None:
    recurrence = parse("at(2027-01-01T00:00:00)")
    assert recurrence.next_after(0, 0) == at("2027-01-01T00:00:00")
    assert recurrence.next_after(at("2027-01-01T00:00:00"), 0) is None


@pytest.mark.parametrize(
    ("expression", "timezone", "message"),
    [
        ("rate(1 minutes)", "UTC", "write 'rate(1 minute)'"),
        ("rate(5 minute)", "UTC", "write 'rate(5 minutes)'"),
        ("rate(0 minutes)", "UTC", "positive number"),
        ("rate(1 second)", "UTC", "Invalid schedule expression"),
        ("cron(0 9 * * * *)", "UTC", "One must be a question mark"),
        ("cron(0 9 * * ?)", "UTC", "6 required, 5 provided"),
        ("cron(61 9 * * ? *)", "UTC", "Invalid minute value"),
        ("cron(0 9 ? * 8 *)", "UTC", "Invalid day-of-week value"),
        ("every day", "UTC", "Invalid schedule expression"),
        ("rate(" + "9" * 200 + " days)", "UTC", "at most 36500 days"),
        ("rate(1 minute)", "Mars/Olympus", "Invalid time zone"),
        ("cron(" + "1," * 200 + "2 * * * ? *)", "UTC", "at most 256 characters"),
    ],
)
def test_an_expression_eventbridge_refuses_is_refused_saying_why(expression: str, timezone: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(expression, timezone)


def test_a_cron_that_never_falls_due_gives_up_quickly() -> None:
    assert parse("cron(30 9 30 2 ? *)").next_after(at("2026-01-01T00:00:00"), 0) is None


def test_an_occurrence_names_its_execution_by_its_utc_minute() -> None:
    assert execution_suffix(at("2026-12-03T20:45:10")) == "20261203T2045Z"
