"""Documents made for people outside parceltrail: the evidence PDF a seller attaches to a TikTok appeal or a
carrier claim. Drawn from the JSON the services build, so the PDF never says anything its JSON sibling
does not."""

from parceltrail.reports.evidence_pdf import render_evidence

__all__ = ["render_evidence"]
