"""Cases: the work a flag asks of a person. Pure: which flags need one, the states a case moves through,
what to do next, and the carrier's trace and claim windows.

One case per package and problem: ``stale`` and ``lost`` are one problem (a parcel not moving) that gets
worse, so a seller works one case, not two; so are the dispatch flags. ``at_risk`` asks for no case (hand
the parcel over today, the flag says so) and neither do the carrier's delays (weather, late flights): the
carrier is handling them and the flag stays on the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from parceltrail.core.flags import Flag, FlagType, Severity


class Problem(StrEnum):
    DISPATCH = "dispatch"
    NOT_MOVING = "not_moving"
    MISROUTE = "misroute"
    LATE = "late"
    DELIVERY_ATTEMPT = "delivery_attempt"
    RETURN = "return"
    CARRIER_EXCEPTION = "carrier_exception"
    DELIVERED_ELSEWHERE = "delivered_elsewhere"
    TRACKING_NUMBER = "tracking_number"
    OTHER = "other"
    """Opened by hand (a buyer wrote in, a seller saw something)."""


PROBLEM_OF: dict[FlagType, Problem] = {
    FlagType.NO_FIRST_SCAN: Problem.DISPATCH, FlagType.STUCK_PRE_TRANSIT: Problem.DISPATCH,
    FlagType.STALE: Problem.NOT_MOVING, FlagType.LOST: Problem.NOT_MOVING, FlagType.MISROUTE: Problem.MISROUTE,
    FlagType.LATE: Problem.LATE, FlagType.FAILED_ATTEMPT: Problem.DELIVERY_ATTEMPT,
    FlagType.RETURN_TO_SENDER: Problem.RETURN, FlagType.CARRIER_EXCEPTION: Problem.CARRIER_EXCEPTION,
    FlagType.DELIVERED_ELSEWHERE: Problem.DELIVERED_ELSEWHERE, FlagType.SUSPICIOUS_TRACKING: Problem.TRACKING_NUMBER,
}


def problem_of(flag: Flag) -> Problem | None:
    """The case a flag opens, or None when it needs no person (``at_risk``, a carrier delay)."""
    if flag.type is FlagType.CARRIER_EXCEPTION and flag.severity is Severity.INFO:
        return None
    return PROBLEM_OF.get(flag.type)


class State(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    WAITING_ON_CARRIER = "waiting_on_carrier"
    WAITING_ON_BUYER = "waiting_on_buyer"
    RESOLVED = "resolved"


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RESHIPPED = "reshipped"
    REFUNDED = "refunded"
    CLAIM_FILED = "claim_filed"
    FALSE_ALARM = "false_alarm"
    CLEARED = "cleared"
    """The condition ended on its own (the parcel moved again, the carrier scanned it) before anyone acted."""


_WORKING = (State.OPEN, State.ACKNOWLEDGED, State.WAITING_ON_CARRIER, State.WAITING_ON_BUYER)
MOVES: dict[State, tuple[State, ...]] = {
    State.OPEN: (State.ACKNOWLEDGED, State.WAITING_ON_CARRIER, State.WAITING_ON_BUYER, State.RESOLVED),
    State.ACKNOWLEDGED: (State.WAITING_ON_CARRIER, State.WAITING_ON_BUYER, State.RESOLVED),
    State.WAITING_ON_CARRIER: (State.ACKNOWLEDGED, State.WAITING_ON_BUYER, State.RESOLVED),
    State.WAITING_ON_BUYER: (State.ACKNOWLEDGED, State.WAITING_ON_CARRIER, State.RESOLVED),
    State.RESOLVED: (State.OPEN,),
}


class CaseMoveError(ValueError):
    """A state change the workflow does not allow; the message says which are allowed."""


def check_move(current: State, wanted: State, outcome: Outcome | None) -> None:
    if wanted is current:
        return
    if wanted not in MOVES[current]:
        allowed = ", ".join(MOVES[current])
        raise CaseMoveError(f"a {current} case can move to {allowed}, not {wanted}")
    if wanted is State.RESOLVED and outcome is None:
        raise CaseMoveError(f"resolving needs an outcome: one of {', '.join(Outcome)}")
    if wanted is not State.RESOLVED and outcome is not None:
        raise CaseMoveError("an outcome is given only when resolving")


def working(state: State) -> bool:
    return state in _WORKING


@dataclass(frozen=True, slots=True)
class Windows:
    """A carrier's trace and claim windows, in days, and how it calls its trace."""

    trace: str
    trace_after_days: int
    claim_until_days: int
    claim_from_days: int = 0


WINDOWS: dict[str, Windows] = {
    "usps": Windows("a Missing Mail search", 7, 60, 15),
    "ups": Windows("a package trace", 1, 60),
    "fedex": Windows("a package trace", 1, 270),
    "dhl": Windows("a trace", 10, 60),
}
"""USPS: Missing Mail search 7 days after mailing, claims 15 to 60 days after it; UPS: trace a day past the
expected delivery, claims within 60 days of shipping; FedEx: non-delivery claims within 9 months of
tendering; DHL eCommerce: claims after 10 business days without a scan (docs/exceptions.md, Sources)."""
TIKTOK_CLAIM_DAYS = 40  # TikTok: compensation requests within 40 calendar days of the last status update


def _day(value: datetime) -> str:
    return f"{value:%b} {value.day}"


def next_action(problem: Problem, flags: list[Flag], carrier: str | None, shipped_at: datetime | None,
                last_update: datetime | None) -> str:
    """What the seller should do now, with the carrier's windows when they matter."""
    name = (carrier or "the carrier").upper() if carrier in ("ups", "usps", "dhl") else (carrier or "the carrier")
    windows = WINDOWS.get(carrier or "")
    types = {f.type for f in flags}
    if problem is Problem.NOT_MOVING and windows and shipped_at:
        trace_from = shipped_at + timedelta(days=windows.trace_after_days)
        claim_until = shipped_at + timedelta(days=windows.claim_until_days)
        if FlagType.LOST in types:
            tiktok = f"; TikTok compensation requests close {_day(last_update + timedelta(days=TIKTOK_CLAIM_DAYS))}" \
                if last_update else ""
            return (f"File a claim with {name} (until {_day(claim_until)}), and reship or refund the buyer{tiktok}.")
        return (f"Open {windows.trace} with {name} (from {_day(trace_from)}); if it is not scanned before TikTok "
                "deems it lost, reship or refund the buyer.")
    actions = {
        Problem.DISPATCH: "Hand the parcel to the carrier or book a pickup, and check the carrier scanned it: "
                          "TikTok counts the first scan, not the label.",
        Problem.NOT_MOVING: f"Ask {name} to trace the parcel; reship or refund if it stays lost.",
        Problem.MISROUTE: f"Ask {name} to reroute the parcel, and tell the buyer the new delivery date.",
        Problem.LATE: "Tell the buyer the new delivery date now; offer a refund or reship if it is far past the date.",
        Problem.DELIVERY_ATTEMPT: "Contact the buyer to confirm the address and that someone can receive it, "
                                  f"or ask {name} to hold it for pickup.",
        Problem.RETURN: "Refund or reship the buyer, and confirm the address with them before reshipping.",
        Problem.CARRIER_EXCEPTION: f"Read the carrier's words and act: for an address problem contact the buyer "
                                   f"and give {name} the right address; for damage keep photos and file a claim.",
        Problem.DELIVERED_ELSEWHERE: f"Ask {name} for proof of delivery (photo, GPS) and contact the buyer; "
                                     "file a claim and reship if it is not found.",
        Problem.TRACKING_NUMBER: "Upload the right tracking number for this order: TikTok counts a number that "
                                 "belongs to another shipment against the Valid Tracking Rate.",
        Problem.OTHER: "Read the notes and decide.",
    }
    return actions[problem]


def due_of(problem: Problem, flags: list[Flag], now: datetime) -> datetime:
    """When the case should be acted on: the flags' next consequence, else within a day."""
    dues = [f.due for f in flags if f.due is not None and f.due > now]
    return min(dues) if dues else now + timedelta(days=1)
