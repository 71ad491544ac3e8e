"""Pay typed as text becomes dollars per hour with a parse status; nothing is guessed."""

import math

from hypothesis import given
from hypothesis import strategies as st

from survey_tools.cleaning.pay import PAY_STATUSES, parse_pay

cents = st.integers(min_value=100, max_value=50_000).map(lambda c: c / 100)


def money(x: float) -> str:
    return f"{x:,.2f}".removesuffix(".00")


@given(cents, st.sampled_from(["{}", "${}", "${}/hr", "${} per hour", "{} an hour", "$ {} USD"]))
def test_a_single_amount_reads_back_exactly(pay, template):
    assert parse_pay(template.format(money(pay))) == (pay, "exact")


@given(cents, st.integers(min_value=1, max_value=40), st.sampled_from(["-", " - ", " to ", "–"]))
def test_a_range_reads_as_its_midpoint(low, width, sep):
    high = low + width
    value, status = parse_pay(f"${money(low)}{sep}${money(high)}")
    assert status == "range" and math.isclose(value, (low + high) / 2)


@given(cents, st.integers(min_value=1, max_value=60))
def test_an_amount_for_hours_is_divided_by_the_hours(pay, hours):
    value, status = parse_pay(f"${money(pay * hours)} for {hours} hours")
    assert status == "total" and math.isclose(value, round(pay * hours, 2) / hours)


@given(
    st.integers(min_value=5, max_value=200), st.sampled_from(["about", "around", "~", "roughly"])
)
def test_approximate_amounts_are_marked(pay, word):
    assert parse_pay(f"{word} {pay} an hour") == (float(pay), "approximate")


@given(st.text())
def test_any_text_gives_a_status_and_never_a_guess(text):
    value, status = parse_pay(text)
    assert status in PAY_STATUSES
    if status in ("blank", "unparseable"):
        assert math.isnan(value)
    else:
        assert value >= 0 and math.isfinite(value)


def test_per_task_and_vague_answers_are_unparseable_and_blank_is_blank():
    for text in ("$0.50 per task", "varies", "depends on the project", "$200 a day", "60-40"):
        assert parse_pay(text)[1] == "unparseable", text
    assert parse_pay("   ")[1] == "blank" and parse_pay(None)[1] == "blank"
