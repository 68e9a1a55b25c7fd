"""``/app/scorecards``: how each carrier, service and lane did for the shop's parcels, as three charts and a
table, from the same ``services.scorecards`` that ``GET /v1/scorecards`` and ``parceltrail scorecards`` use.

Charts: on time against the promise (with its 95% Wilson interval, so 3 of 3 is not read as a verdict),
median days with the P90 as a tick, exceptions per 100. A group with fewer than ``FEW`` parcels behind a
figure is drawn pale and says "few parcels". The filters are a GET form: nothing in them is personal, and a
seller can bookmark "UPS lanes, last 30 days". The page opens by carrier (a shop's first question is which
carrier to trust; most lanes of a small shop are a handful of parcels), the API's default stays by lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from parceltrail.carriers.registry import CARRIERS
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.buyer_page import carrier_name
from parceltrail.services.clock import utcnow
from parceltrail.services.errors import FieldError
from parceltrail.services.scorecards import GROUPINGS, Scorecard, scorecards
from parceltrail.web.charts import BarChart, BarRow, bar_chart, nice_top, wilson
from parceltrail.web.dashboard import StaffMember, _uow
from parceltrail.web.render import page
from parceltrail.web.words import locale_of, translator

router = APIRouter(prefix="/app/scorecards", include_in_schema=False)

PERIODS = (30, 90, 180, 365)
CHART_ROWS = 12
FEW = 20


@dataclass(frozen=True, slots=True)
class ScorecardCharts:
    on_time: BarChart
    days: BarChart
    exceptions: BarChart
    shown: int


def group_label(card: Scorecard) -> str:
    parts = [carrier_name(card.carrier) or card.carrier]
    parts += [part for part in (card.service, card.lane.replace("->", "→") if card.lane else None) if part]
    return " · ".join(parts)


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def scorecard_charts(cards: list[Scorecard], t) -> ScorecardCharts:
    """The three charts for the largest ``CHART_ROWS`` groups (the table below them lists every group)."""
    shown = cards[:CHART_ROWS]
    on_time = []
    for c in shown:
        share, n = c.on_time_promise, c.promise_judged
        if share is None:
            on_time.append(BarRow(group_label(c), None, t("app.sc_not_judged")))
            continue
        low, high = wilson(round(share * n), n)
        on_time.append(BarRow(group_label(c), share, t("app.sc_share_of", pct=_pct(share), n=n), low, high,
                              thin=n < FEW))
    days = [BarRow(group_label(c), c.median_days,
                   t("app.sc_days_text", median=f"{c.median_days:g}", p90=f"{c.p90_days:g}")
                   if c.median_days is not None else t("app.sc_none_delivered"),
                   mark=c.p90_days, thin=c.delivered < FEW) for c in shown]
    exceptions = []
    for c in shown:
        low, high = wilson(round(c.exceptions_per_100 * c.parcels / 100), c.parcels)
        exceptions.append(BarRow(group_label(c), c.exceptions_per_100,
                                 t("app.sc_exceptions_text", rate=f"{c.exceptions_per_100:.3g}", n=c.parcels),
                                 100 * low, 100 * high, thin=c.parcels < FEW))
    day_top, day_step = nice_top(max([c.p90_days or 0 for c in shown] + [1]))
    exc_top, exc_step = nice_top(max([r.high or 0 for r in exceptions] + [5]))
    return ScorecardCharts(
        on_time=bar_chart(on_time, 1.0, 0.25, _pct),
        days=bar_chart(days, day_top, day_step, lambda v: f"{v:g}"),
        exceptions=bar_chart(exceptions, exc_top, exc_step, lambda v: f"{v:g}"),
        shown=len(shown),
    )


def _day(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("the period is not a date", [FieldError(name, f"expected YYYY-MM-DD, got {text!r}")]) from None


def _count(text: str, name: str, allowed: tuple[int, ...] | None = None) -> int:
    expected = f"one of: {', '.join(map(str, allowed))}" if allowed else "a whole number of at least 1"
    if not text.strip().isdigit() or (allowed and int(text) not in allowed) or int(text) < 1:
        raise InvalidInput("the filters are not understood", [FieldError(name, f"expected {expected}, got {text!r}")])
    return int(text)


def chosen_period(days: str, start: str, end: str) -> tuple[datetime, datetime]:
    """``from``/``to`` (whole UTC days, ``to`` included) when given, else the last ``days`` days."""
    length = _count(days, "days", PERIODS)
    first, last = _day(start, "from"), _day(end, "to")
    until = datetime.combine(last + timedelta(days=1), time(), UTC) if last else utcnow()
    since = datetime.combine(first, time(), UTC) if first else until - timedelta(days=length)
    return since, until


@router.get("", response_class=HTMLResponse)
def scorecards_page(request: Request, member: StaffMember, days: str = "90",
                    start: Annotated[str, Query(alias="from")] = "", end: Annotated[str, Query(alias="to")] = "",
                    by: str = "carrier", carrier: str = "", least: Annotated[str, Query(alias="min")] = "1",
                    ) -> Response:
    t = translator(locale_of(request))
    form = {"days": days, "from": start, "to": end, "by": by, "carrier": carrier, "min": least}
    cards, charts, error, code, since, until = [], None, None, 200, None, None
    try:
        since, until = chosen_period(days, start, end)
        cards = scorecards(_uow(request), member.shop_id, since, until, by, carrier or None, _count(least, "min"))
    except (InvalidInput, NotFound) as problem:
        error, code = str(problem), 422
    cards.sort(key=lambda c: (-c.parcels, group_label(c)))
    if cards:
        charts = scorecard_charts(cards, t)
    return page(request, "app/scorecards.html", status=code, member=member, section="scorecards", form=form,
                cards=cards, charts=charts, error=error, since=since, until=until, periods=PERIODS,
                groupings=GROUPINGS, carriers=sorted(CARRIERS), carrier_name=carrier_name, label=group_label,
                few=FEW, parcels=sum(c.parcels for c in cards),
                last_day=(until - timedelta(microseconds=1)).date() if until else None)
