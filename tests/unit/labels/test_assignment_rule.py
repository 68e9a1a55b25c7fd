"""The assignment rule on hand-made candidates: each rule picks what it says, and the sentence carries the figures."""

from __future__ import annotations

from datetime import date

import pytest

from parceltrail.core.assignment import Candidate, choose, day_span

BY = date(2026, 12, 10)


def candidate(carrier, service, price, chance, likely=date(2026, 12, 8), record=None, refused=None):
    return Candidate(carrier, service, price, (2, 3), date(2026, 12, 9), date(2026, 12, 7), likely, date(2026, 12, 9),
                     date(2026, 12, 10), record, 40 if record is not None else 0, "981 -> OR" if record else None,
                     chance, refused)


CANDIDATES = [
    candidate("thrift", "ground", 5.10, 0.71, record=0.70),
    candidate("west", "ground", 6.20, 0.97, record=0.96),
    candidate("swift", "ground", 9.80, 0.99, record=0.99),
    candidate("swift", "express", 24.00, 0.995, likely=date(2026, 12, 7)),
    candidate("cheap", "economy", 3.00, 0.99, refused="weighs 80.0 lb; cheap takes at most 70 lb"),
]


def test_default_rule_takes_the_cheapest_that_meets_the_deliver_by_and_says_why():
    decision = choose(CANDIDATES, deliver_by=BY)
    assert (decision.chosen.carrier, decision.chosen.service) == ("west", "ground")
    assert decision.explanation == (
        "Chose west ground at $6.20: 97% likely by the deliver-by of Dec 10; likely Dec 8, 80% window Dec 7-Dec 9; "
        "96% on time over 40 parcels on 981 -> OR; the cheapest of the 3 of 4 options at or above 95%.")


@pytest.mark.parametrize(("rule", "expected"), [
    ("cheapest", ("thrift", "ground")), ("fastest", ("swift", "express")), ("most_reliable", ("swift", "express")),
])
def test_other_rules(rule, expected):
    decision = choose(CANDIDATES, rule, deliver_by=BY)
    assert (decision.chosen.carrier, decision.chosen.service) == expected


def test_when_none_reaches_the_confidence_the_most_likely_wins_and_the_sentence_says_so():
    decision = choose(CANDIDATES[:2], confidence=0.99, deliver_by=BY)
    assert decision.chosen.carrier == "west" and "none of 2 options reaches 99%" in decision.explanation


def test_without_a_deliver_by_price_alone_decides():
    decision = choose(CANDIDATES, deliver_by=None)
    assert decision.chosen.carrier == "thrift" and "no deliver-by known" in decision.explanation


def test_nothing_can_take_the_parcel():
    decision = choose(CANDIDATES[-1:], deliver_by=BY)
    assert decision.chosen is None and "weighs 80.0 lb" in decision.explanation


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError, match="unknown rule 'random'"):
        choose(CANDIDATES, "random")


@pytest.mark.parametrize(("days", "words"), [
    ((1, 1), "published standard 1 business day"), ((3, 3), "published standard 3 business days"),
    ((2, 3), "published standard 2-3 business days"),
])
def test_a_published_standard_reads_as_english(days, words):
    lone = Candidate("ups", "ground", 9.0, days, date(2026, 12, 9), date(2026, 12, 7), date(2026, 12, 8),
                     date(2026, 12, 9), date(2026, 12, 10), None, 0, None, None, None)
    sentence = choose([lone], deliver_by=None).explanation
    assert words in sentence and "1-1" not in sentence


def test_a_one_day_window_reads_as_one_day():
    lone = Candidate("ups", "ground", 9.0, (1, 1), date(2026, 12, 9), date(2026, 12, 8), date(2026, 12, 8),
                     date(2026, 12, 8), date(2026, 12, 10), None, 0, None, None, None)
    sentence = choose([lone], deliver_by=None).explanation
    assert "likely Dec 8, 80% window Dec 8;" in sentence and "Dec 8-Dec 8" not in sentence
    assert day_span(date(2026, 12, 30), date(2027, 1, 2)) == "Dec 30-Jan 2"
