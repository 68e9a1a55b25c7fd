"""Settings → API keys over real HTTP: the list never shows a key, a new or rolled key is shown once,
revoking ends a key for the API at once, rolling with a grace period keeps the old key working until it
ends, only the owner changes keys, and one shop never touches another's."""

from __future__ import annotations

import re

import httpx

from parceltrail.services import list_keys
from parceltrail.services.staff import create_staff
from parceltrail.store import UnitOfWork
from tests.integration.test_dashboard import PASSWORD, shop, signed_in, token  # noqa: F401  (fixture)
from tests.parcels import make_parcels

NEW_KEY = re.compile(r'<code class="mono[^"]*">(pt_[A-Za-z0-9_-]{20,})</code>')


def works(api, key: str) -> bool:
    return httpx.get(f"{api.url}/v1/packages", headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_owner_creates_rolls_with_grace_and_revokes_keys(api, shop, uow):
    client = signed_in(api)
    listed = client.get("/app/settings/keys").text
    assert shop.api_key not in listed and shop.api_key[:11] in listed and "active" in listed
    csrf = token(client, "/app/settings/keys")
    made = client.post("/app/settings/keys", data={"csrf_token": csrf}).text
    new_key = NEW_KEY.search(made)[1]
    assert works(api, new_key) and new_key not in client.get("/app/settings/keys").text
    first = next(k for k in list_keys(uow, shop.shop_id) if shop.api_key.startswith(k.prefix))
    rolled = client.post(f"/app/settings/keys/{first.id}/roll", data={"csrf_token": csrf, "grace": "1h"}).text
    replacement = NEW_KEY.search(rolled)[1]
    assert works(api, replacement) and works(api, shop.api_key)  # the old key works for its grace hour
    assert "expiring" in rolled and "works until" in rolled
    revoked = client.post(f"/app/settings/keys/{first.id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 200 and "revoked: requests with it are refused" in revoked.text
    assert not works(api, shop.api_key) and works(api, replacement)
    bad = client.post(f"/app/settings/keys/{first.id}/roll", data={"csrf_token": csrf, "grace": "forever"})
    assert bad.status_code == 422 and "grace: expected one of: 0, 1h, 24h, 7d" in bad.text
    ended = client.post(f"/app/settings/keys/{first.id}/roll", data={"csrf_token": csrf, "grace": "0"})
    assert ended.status_code == 422 and "create a new key instead" in ended.text


def test_staff_see_keys_but_cannot_change_them_nor_another_shops(api, shop, uow, engine):
    packer = signed_in(api, "packer@maple.example")
    seen = packer.get("/app/settings/keys").text
    assert shop.api_key[:11] in seen and "Revoke" not in seen and "Create an API key" not in seen
    key_id = list_keys(uow, shop.shop_id)[0].id
    csrf = token(packer, "/app/settings/keys")
    assert packer.post(f"/app/settings/keys/{key_id}/revoke", data={"csrf_token": csrf}).status_code == 403
    assert packer.post("/app/settings/keys", data={"csrf_token": csrf}).status_code == 403
    other = make_parcels(engine, name="Other shop")
    create_staff(UnitOfWork(engine), other.shop_id, "them@other.example", PASSWORD, "owner")
    them = signed_in(api, "them@other.example")
    answer = them.post(f"/app/settings/keys/{key_id}/revoke", data={"csrf_token": token(them, "/app/settings/keys")})
    assert answer.status_code == 404 and works(api, shop.api_key)
    assert signed_in(api).post(f"/app/settings/keys/{key_id}/revoke", data={"csrf_token": "forged"}).status_code == 403
