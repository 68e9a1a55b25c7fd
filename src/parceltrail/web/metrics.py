"""``/app/metrics``: the TikTok metric guard — Late Dispatch, Valid Tracking and On-Time Delivery rates
against TikTok's thresholds, where the parcels in flight will take them and when one crosses, the last
two weeks' trend, and the orders that move each number (``services.metric_trend`` over the same
``services.metrics`` and ``core.metrics`` as ``GET /v1/metrics/tiktok``).

Thresholds and windows are a GET form with the API's names and bounds, because TikTok changes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from parceltrail.core.metrics import Metric, Thresholds
from parceltrail.services import InvalidInput, NotFound
from parceltrail.services.errors import FieldError
from parceltrail.services.metric_trend import guard_with_trend
from parceltrail.web.charts import TrendChart, trend_chart
from parceltrail.web.dashboard import StaffMember, _uow
from parceltrail.web.render import page

router = APIRouter(prefix="/app/metrics", include_in_schema=False)

# name, default, lowest, highest, is a share (shown and typed in percent)
KNOBS = (("ldr_max", 0.04, 0, 1, True), ("vtr_min", 0.95, 0, 1, True), ("otdr_min", 0.80, 0, 1, True),
         ("ldr_days", 7, 1, 90, False), ("vtr_days", 30, 1, 90, False), ("otdr_days", 7, 1, 90, False),
         ("auto_cancel_hours", 48, 1, 720, False))


@dataclass(frozen=True, slots=True)
class MetricView:
    key: str
    metric: Metric
    chart: TrendChart
    values: list[float | None]


def thresholds_from(params) -> tuple[Thresholds, dict[str, str]]:
    """The form's thresholds (percent for shares), refused whole with every field named when any is wrong."""
    chosen, shown, errors = {}, {}, []
    for name, default, low, high, share in KNOBS:
        raw = (params.get(name) or "").strip()
        shown[name] = raw or (f"{default * 100:g}" if share else str(default))
        if not raw:
            chosen[name] = default
            continue
        try:
            value = float(raw) / 100 if share else int(raw)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            unit = f"a percentage from {low * 100:g} to {high * 100:g}" if share else f"a whole number from {low} to {high}"
            errors.append(FieldError(name, f"expected {unit}, got {raw!r}"))
            continue
        chosen[name] = value
    if errors:
        raise InvalidInput("the thresholds are not valid", errors)
    return Thresholds(**chosen), shown


@router.get("", response_class=HTMLResponse)
def metrics_page(request: Request, member: StaffMember) -> Response:
    error, code, views, found = None, 200, [], None
    try:
        thresholds, shown = thresholds_from(request.query_params)
    except InvalidInput as problem:
        thresholds, shown, error, code = Thresholds(), {k[0]: request.query_params.get(k[0], "") for k in KNOBS}, \
            str(problem), 422
    if error is None:
        try:
            found = guard_with_trend(_uow(request), member.shop_id, thresholds)
        except NotFound as missing:
            error, code = str(missing), 404
    if found is not None:
        for key in ("ldr", "vtr", "otdr"):
            metric = getattr(found.today, key)
            values = [getattr(point, key) for point in found.trend]
            views.append(MetricView(key, metric, trend_chart(values, metric.threshold), values))
    return page(request, "app/metrics.html", status=code, member=member, section="metrics", error=error,
                found=found, views=views, shown=shown, knobs=KNOBS)
