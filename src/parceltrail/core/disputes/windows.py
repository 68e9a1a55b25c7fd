"""The clocks a claim runs against: the buyer's refund window, TikTok's compensation ticket window, and
each carrier's claim window, with where each number comes from (docs/delivery-proof.md lists them).

Every window is a rule: which claims it applies to, which moment it counts from, how long it lasts, and
sometimes how long one must wait before filing (USPS will not take a loss claim for an insured parcel
in its first 15 days). Windows count calendar days from the moment itself, as the policies word them
("within 60 days after delivery"). A window whose moment has not happened yet (no delivery scan) is
reported as not started rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parceltrail.core.disputes.model import ClaimFacts, ClaimKind

K = ClaimKind
EVERY = frozenset(ClaimKind)
LOSS_OR_DAMAGE = frozenset({K.NOT_RECEIVED, K.DAMAGED})
MONTH_DAYS = 30.4375
"""Nine months are counted as 274 days: the policies say months; a day early is safer than a day late."""

TIKTOK_REFUND_SOURCE = "https://support.ninjakitchen.com/hc/en-us/articles/19969897596700-Returns-and-Refunds-for-TikTok-Shop-Orders"
TIKTOK_GUARANTEE_SOURCE = "https://shop.tiktok.com/us/money-back-guarantee"
TIKTOK_TICKET_SOURCE = "https://seller-th.tiktok.com/university/essay?knowledge_id=118477923190530&lang=en"
TIKTOK_INSURANCE_SOURCE = "https://seller-us.tiktok.com/university/essay?knowledge_id=8280381640656683&lang=en"
UPS_SOURCE = "https://icclogistics.com/?p=2738"
UPS_TRACE_SOURCE = "https://www.ups.com/us/en/help-center/sri/faq-cla06.page"
FEDEX_SOURCE = "https://support.shipopti.com/portal/en/kb/articles/parcel-claim-faqs"
USPS_SOURCE = "https://lexbuild.dev/fr/2025/12/2025-24094"
USPS_DMM_SOURCE = "https://uspstrackingpoint.com/usps-domestic-claims/"
DHL_SOURCE = "https://mydhl.express.dhl/us/en/help-and-support/contact-us/claims/claims-faqs.html"


@dataclass(frozen=True, slots=True)
class WindowRule:
    key: str
    party: str
    """Who the window is with: ``buyer`` (how long the buyer may ask), ``tiktok`` or ``carrier`` (how long
    the seller may claim)."""
    title: str
    kinds: frozenset[ClaimKind]
    anchor: str
    """The moment it counts from: delivered | shipped | last_status | delivered_or_scheduled."""
    days: float
    basis: str
    source: str
    carrier: str | None = None
    opens_after_days: float = 0.0
    when: str = "always"
    """always | tiktok (a TikTok order, or no order known) | tiktok_shipping (TikTok Shipping carried it)."""


RULES: tuple[WindowRule, ...] = (
    WindowRule("tiktok_refund", "buyer", "Buyer may ask TikTok for a refund", EVERY, "delivered", 30,
               "TikTok Shop US: refunds are requested within 30 days of delivery", TIKTOK_REFUND_SOURCE,
               when="tiktok"),
    WindowRule("tiktok_guarantee", "buyer", "Buyer covered by TikTok's money-back guarantee", frozenset({K.DAMAGED}),
               "delivered", 90, "TikTok Shop US: damaged or defective items are covered up to 90 days after "
               "the order is marked delivered", TIKTOK_GUARANTEE_SOURCE, when="tiktok"),
    WindowRule("tiktok_compensation", "tiktok", "Seller's compensation ticket with TikTok",
               frozenset({K.NOT_RECEIVED, K.DAMAGED, K.LATE}), "last_status", 40,
               "TikTok Shop: a lost or damaged package claim more than 40 calendar days after the last logistics "
               "status update is rejected (platform-shipped orders)", TIKTOK_TICKET_SOURCE, when="tiktok_shipping"),
    WindowRule("tiktok_shipping_insurance", "tiktok", "TikTok Shipping insurance claim (U-PIC)", LOSS_OR_DAMAGE,
               "shipped", 90, "TikTok Shipping labels are insured up to $200; claims within 90 days of the ship date",
               TIKTOK_INSURANCE_SOURCE, when="tiktok_shipping"),
    WindowRule("ups_damage", "carrier", "UPS damage claim notice", frozenset({K.DAMAGED}), "delivered", 60,
               "UPS Terms: notice of a damage claim within 60 days after delivery; documents within 9 months",
               UPS_SOURCE, carrier="ups"),
    WindowRule("ups_loss", "carrier", "UPS lost-package claim notice", frozenset({K.NOT_RECEIVED}),
               "delivered_or_scheduled", 60, "UPS Terms: notice within 60 days after the scheduled delivery date "
               "for non-delivery (counted from the delivery scan when UPS says delivered); a lost-package "
               "investigation within 9 months", UPS_SOURCE, carrier="ups"),
    WindowRule("fedex_damage", "carrier", "FedEx damage claim", frozenset({K.DAMAGED}), "delivered", 60,
               "FedEx Service Guide (US Express and Ground): damage or missing contents within 60 calendar days "
               "of delivery", FEDEX_SOURCE, carrier="fedex"),
    WindowRule("fedex_loss", "carrier", "FedEx non-delivery claim", frozenset({K.NOT_RECEIVED}), "shipped",
               9 * MONTH_DAYS, "FedEx Service Guide: non-delivery or misdelivery within nine months after the "
               "package was tendered", FEDEX_SOURCE, carrier="fedex"),
    WindowRule("usps_damage", "carrier", "USPS damage or missing contents claim", frozenset({K.DAMAGED}), "shipped",
               60, "USPS DMM 609: damaged or missing contents immediately, no later than 60 days from the mailing "
               "date", USPS_DMM_SOURCE, carrier="usps"),
    WindowRule("usps_loss", "carrier", "USPS lost insured parcel claim", frozenset({K.NOT_RECEIVED}), "shipped", 60,
               "USPS DMM 609.1.4: a lost insured parcel no sooner than 15 days and no later than 60 days from the "
               "mailing date (7 days for Priority Mail Express)", USPS_SOURCE, carrier="usps", opens_after_days=15),
    WindowRule("dhl_claim", "carrier", "DHL Express loss or damage claim", LOSS_OR_DAMAGE, "shipped", 30,
               "DHL Express US: loss or damage claims in writing within 30 days of the date DHL accepted the "
               "shipment", DHL_SOURCE, carrier="dhl"),
)


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    party: str
    title: str
    basis: str
    source: str
    opens_at: datetime | None
    closes_at: datetime | None
    """None when the moment it counts from has not happened yet."""
    waiting_for: str | None = None
    """What has to happen before the clock starts ("delivery"), when it has not started."""

    def state(self, now: datetime) -> str:
        """not_started | not_yet_open | open | closed."""
        if self.closes_at is None:
            return "not_started"
        if self.opens_at is not None and now < self.opens_at:
            return "not_yet_open"
        return "open" if now <= self.closes_at else "closed"

    def days_left(self, now: datetime) -> float | None:
        if self.closes_at is None:
            return None
        return round((self.closes_at - now).total_seconds() / 86400, 1)

    def to_dict(self, now: datetime) -> dict:
        return {"key": self.key, "party": self.party, "title": self.title, "state": self.state(now),
                "opens_at": self.opens_at.isoformat() if self.opens_at else None,
                "closes_at": self.closes_at.isoformat() if self.closes_at else None,
                "days_left": self.days_left(now), "waiting_for": self.waiting_for, "basis": self.basis,
                "source": self.source}


def _applies(rule: WindowRule, kind: ClaimKind, facts: ClaimFacts) -> bool:
    if kind not in rule.kinds or (rule.carrier is not None and rule.carrier != facts.carrier):
        return False
    if rule.when == "tiktok":
        return facts.platform in (None, "tiktok")
    if rule.when == "tiktok_shipping":
        return facts.tiktok_shipping is True
    return True


def _anchor(rule: WindowRule, facts: ClaimFacts) -> tuple[datetime | None, str]:
    if rule.anchor == "delivered":
        return facts.delivered_at, "delivery"
    if rule.anchor == "shipped":
        return facts.shipped_at, "the carrier's first scan"
    if rule.anchor == "last_status":
        return facts.last_status_at, "a logistics status"
    return facts.delivered_at or facts.scheduled_at, "delivery or a scheduled delivery date"


def deadlines(kind: ClaimKind, facts: ClaimFacts) -> list[Deadline]:
    """Every window that applies to this claim, soonest closing first (not started ones last)."""
    out = []
    for rule in RULES:
        if not _applies(rule, kind, facts):
            continue
        moment, waiting = _anchor(rule, facts)
        if moment is None:
            out.append(Deadline(rule.key, rule.party, rule.title, rule.basis, rule.source, None, None, waiting))
            continue
        opens_after = rule.opens_after_days
        if rule.key == "usps_loss" and facts.service and "express" in facts.service.lower():
            opens_after = 7
        opens = moment + timedelta(days=opens_after) if opens_after else None
        out.append(Deadline(rule.key, rule.party, rule.title, rule.basis, rule.source, opens,
                            moment + timedelta(days=rule.days)))
    return sorted(out, key=lambda d: (d.closes_at is None, d.closes_at.timestamp() if d.closes_at else 0.0))


def seller_deadline(found: list[Deadline], now: datetime) -> Deadline | None:
    """The first window the seller can still act in (TikTok or a carrier), for "what is due next"."""
    return next((d for d in found if d.party != "buyer" and d.state(now) in ("open", "not_yet_open")), None)
