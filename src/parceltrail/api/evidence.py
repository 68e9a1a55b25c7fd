"""A package's evidence bundle: ``GET /v1/packages/{id}/evidence.pdf`` and its JSON sibling
``GET /v1/packages/{id}/evidence.json`` (the same facts; the PDF prints the JSON's SHA-256)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from parceltrail.api.deps import ShopId, Uow
from parceltrail.reports import render_evidence
from parceltrail.services.evidence import build_evidence

router = APIRouter(prefix="/v1/packages", tags=["evidence"])


@router.get("/{package_id}/evidence.json")
def evidence_json(package_id: str, shop_id: ShopId, uow: Uow) -> dict[str, Any]:
    """Everything about the package a TikTok appeal or a carrier claim needs, with the document's SHA-256."""
    return build_evidence(uow, shop_id, package_id)


@router.get("/{package_id}/evidence.pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}, "description": "The evidence PDF"}})
def evidence_pdf(package_id: str, shop_id: ShopId, uow: Uow) -> Response:
    """The evidence as a PDF to attach to an appeal or a claim (letter size; footer carries the JSON's SHA-256)."""
    doc = build_evidence(uow, shop_id, package_id)
    name = f"evidence-{doc['package']['tracking_number']}.pdf"
    return Response(render_evidence(doc), media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})
