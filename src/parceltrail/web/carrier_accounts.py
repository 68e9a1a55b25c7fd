"""Settings → carrier accounts: the shop's own credentials for polling a carrier, through
``services.accounts`` (the same checks as ``/v1/carrier-accounts``): stored encrypted under
``PARCELTRAIL_SECRET_KEY``, or referenced from the environment by a prefix. Secrets go in and never come
back out: the page shows only how an account is kept.

Choosing the carrier is a GET (``?carrier=ups``) that shows that carrier's credential fields, so the page
needs no script. Fields the carrier's credentials type hides from ``repr`` (secrets, tokens) are password
inputs. ``base_url`` is left to the API and CLI: a page that lets a seller point polling at any host is not
worth the risk.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from parceltrail.carriers.registry import CARRIERS
from parceltrail.carriers.sandbox.adapter import SIMULATED
from parceltrail.carriers.ship import PURCHASE_ACCOUNTS
from parceltrail.services import InvalidInput
from parceltrail.services.accounts import env_namespace, list_accounts, remove_account, set_account
from parceltrail.services.adapters import credentials_type
from parceltrail.services.buyer_page import carrier_name
from parceltrail.web.dashboard import Owner, StaffMember, _checked, _uow, remove_then_back
from parceltrail.web.endpoints import _secret_key
from parceltrail.web.render import page

router = APIRouter(prefix="/app/settings/carriers", include_in_schema=False)
NOT_ON_THE_PAGE = ("base_url",)


@dataclass(frozen=True, slots=True)
class CredentialField:
    name: str
    secret: bool
    required: bool


PURCHASE_NAMES = {"dhl_ecommerce": "DHL eCommerce (labels)"}


def carriers_with_accounts() -> list[str]:
    """Accounts a shop can hold: every real tracking carrier's (the sandbox network needs none) and the
    accounts that only buy labels (``dhl_ecommerce``)."""
    return [code for code in CARRIERS if code != "sandbox" and code not in SIMULATED] + list(PURCHASE_ACCOUNTS)


def account_name(code: str) -> str:
    return PURCHASE_NAMES.get(code) or carrier_name(code) or code


def credential_fields(carrier: str) -> list[CredentialField]:
    kind = credentials_type(carrier)
    return [CredentialField(f.name, not f.repr, f.default is MISSING and f.default_factory is MISSING)
            for f in fields(kind) if f.name not in NOT_ON_THE_PAGE]


def _page(request: Request, member, carrier: str = "", saved: str | None = None, error: str | None = None,
          code: int = 200) -> Response:
    chosen = carrier if carrier in carriers_with_accounts() else ""
    return page(request, "app/carrier_accounts.html", status=code, member=member, section="settings",
                accounts=list_accounts(_uow(request), member.shop_id), carriers=carriers_with_accounts(),
                chosen=chosen, fields=credential_fields(chosen) if chosen else [], carrier_name=account_name,
                saved=saved, error=error, stores_secrets=_secret_key(request) is not None,
                namespace=env_namespace(member.shop_id))


@router.get("", response_class=HTMLResponse)
def carrier_accounts(request: Request, member: StaffMember, carrier: str = "") -> Response:
    return _page(request, member, carrier)


@router.post("", response_class=HTMLResponse)
async def carrier_account_save(request: Request, member: Owner, csrf_token: Annotated[str, Form()] = "",
                               carrier: Annotated[str, Form()] = "", kept: Annotated[str, Form()] = "stored",
                               env_prefix: Annotated[str, Form()] = "") -> Response:
    refused = _checked(request, csrf_token)
    if refused:
        return refused
    if carrier not in carriers_with_accounts():
        return _page(request, member, error=f"carrier: expected one of: {', '.join(carriers_with_accounts())}",
                     code=422)
    form = await request.form()
    given = {f.name: str(form.get(f.name) or "").strip() for f in credential_fields(carrier)}
    credentials = {name: value for name, value in given.items() if value}
    try:
        if kept == "env":
            set_account(_uow(request), member.shop_id, carrier, _secret_key(request), env_prefix=env_prefix.strip())
        else:
            set_account(_uow(request), member.shop_id, carrier, _secret_key(request), credentials=credentials)
    except InvalidInput as problem:
        return _page(request, member, carrier, error=str(problem), code=422)
    return _page(request, member, saved=carrier)


@router.post("/{carrier}/delete", response_class=HTMLResponse)
def carrier_account_remove(request: Request, member: Owner, carrier: str,
                           csrf_token: Annotated[str, Form()] = "") -> Response:
    return remove_then_back(request, csrf_token, lambda: remove_account(_uow(request), member.shop_id, carrier),
                            "/app/settings/carriers", carrier)
