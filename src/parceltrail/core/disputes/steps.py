"""What the seller should do next about a claim: a short checklist built from the claim, the facts and
the windows, each step with the date it is due by when a window sets one.

The steps are what sellers are asked for when they appeal to TikTok or claim from a carrier: the
carrier's proof for a "delivered but not received", photos and the kept packaging for damage, the pick
and pack record for a wrong item. Which steps are done is the seller's record (stored with the dispute).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parceltrail.core.disputes.model import ClaimFacts, ClaimKind
from parceltrail.core.disputes.windows import Deadline

CARRIER_NAMES = {"ups": "UPS", "fedex": "FedEx", "usps": "USPS", "dhl": "DHL"}


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    text: str
    due: datetime | None = None
    done: bool = False

    def to_dict(self) -> dict:
        return {"key": self.key, "text": self.text, "due": self.due.isoformat() if self.due else None,
                "done": self.done}


def _due(found: list[Deadline], *keys: str) -> datetime | None:
    return min((d.closes_at for d in found if d.key in keys and d.closes_at is not None), default=None)


def _carrier_step(kind: ClaimKind, facts: ClaimFacts, found: list[Deadline]) -> Step | None:
    carrier = CARRIER_NAMES.get(facts.carrier or "", (facts.carrier or "the carrier").upper())
    keys = [d.key for d in found if d.party == "carrier"]
    if not keys:
        return None
    if kind is ClaimKind.DAMAGED:
        return Step("carrier_claim", f"File a damage claim with {carrier} (photos, proof of value, the label)",
                    _due(found, *keys))
    return Step("carrier_trace", f"Ask {carrier} for a lost-package investigation, then file the claim",
                _due(found, *keys))


def checklist(kind: ClaimKind, facts: ClaimFacts, found: list[Deadline], done: frozenset[str] = frozenset()) -> list[Step]:
    """The steps for this claim in the order to do them; ``done`` marks the ones the seller ticked."""
    steps = [Step("answer_buyer", "Answer the buyer in TikTok Seller Center before the response deadline: "
                  "an unanswered request is approved automatically" if facts.platform in (None, "tiktok")
                  else "Answer the buyer")]
    delivered = facts.delivered_at is not None
    if kind is ClaimKind.NOT_RECEIVED:
        if delivered:
            proof = f" ({facts.proof})" if facts.proof else ""
            steps.append(Step("send_proof", f"Send the buyer the carrier's proof of delivery{proof}"))
            steps.append(Step("ask_buyer_search", "Ask the buyer to check the mailbox, parcel lockers, porch, "
                              "neighbours and others at the address"))
            if facts.far and facts.distance_km is not None:
                steps.append(Step("report_misdelivery", f"The carrier's delivery point is {facts.distance_km:.1f} km "
                                  "from the address: report a misdelivery to the carrier"))
        else:
            steps.append(Step("confirm_not_delivered", "The carrier has no delivery scan: tell the buyer where "
                              "the parcel is and when it is expected"))
    elif kind is ClaimKind.DAMAGED:
        steps.append(Step("ask_photos", "Ask the buyer for photos of the outer box, the label with the tracking "
                          "number, the inner packing and the damage"))
        steps.append(Step("keep_packaging", "Ask the buyer to keep the box and packing until the claim is "
                          "settled: the carrier may inspect them"))
    elif kind is ClaimKind.WRONG_ITEM:
        steps.append(Step("ask_photos", "Ask the buyer for photos of the item received and of the shipping label"))
        steps.append(Step("check_packing", "Check the order's pick and pack record (SKU, packing photo, weight "
                          "on the label)"))
        steps.append(Step("offer_fix", "Offer a replacement or a return: a wrong item is not a carrier claim"))
    else:
        steps.append(Step("send_timeline", "Send the buyer the tracking timeline and the current delivery window"))
    carrier = _carrier_step(kind, facts, found) if kind is not ClaimKind.WRONG_ITEM else None
    if carrier is not None:
        steps.append(carrier)
    tiktok = _due(found, "tiktok_compensation", "tiktok_shipping_insurance")
    if tiktok is not None:
        what = "Product arrived too late" if kind is ClaimKind.LATE else (
            "Package damaged" if kind is ClaimKind.DAMAGED else "Package lost")
        steps.append(Step("tiktok_ticket", f"Raise a '{what}' ticket with TikTok Shop with the evidence PDF", tiktok))
    steps.append(Step("attach_evidence", "Attach the evidence PDF (parceltrail evidence PACKAGE_ID --out FILE.pdf) "
                      "to the appeal or claim", _due(found, "tiktok_refund")))
    steps.append(Step("record_outcome", "Record how it ended: won, refunded, reimbursed or withdrawn"))
    return [Step(s.key, s.text, s.due, s.key in done) for s in steps]


def step_keys(steps: list[Step]) -> list[str]:
    return [s.key for s in steps]
