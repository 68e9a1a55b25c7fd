"""Settings → carrier accounts over real HTTP: credentials stored encrypted (and readable by polling, never
shown again), an environment prefix instead, fields named when missing, only the owner changes them, and a
server without a secret key stores no secrets."""

from __future__ import annotations

import httpx
import pytest
from pydantic import SecretStr

from parceltrail.services.accounts import env_namespace, list_accounts, shop_credentials
from parceltrail.store import UnitOfWork
from tests.conftest import LiveServer
from tests.integration.test_dashboard import PASSWORD, shop, signed_in, token  # noqa: F401  (fixture)

SECRET_KEY = "a test key that is long enough to derive from"


@pytest.fixture
def keyed_api(settings, engine):
    from parceltrail.api import create_app

    with LiveServer(create_app(settings.model_copy(update={"secret_key": SecretStr(SECRET_KEY)}), engine)) as server:
        yield server


def test_owner_stores_encrypted_credentials_that_polling_reads_and_the_page_never_shows(keyed_api, shop, uow):
    client = signed_in(keyed_api)
    form = client.get("/app/settings/carriers", params={"carrier": "ups"}).text
    assert 'name="client_id" type="text"' in form and 'name="client_secret" type="password"' in form
    assert 'name="base_url"' not in form
    csrf = token(client, "/app/settings/carriers")
    missing = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "ups", "kept": "stored",
                                                          "client_id": "shop-client"})
    assert missing.status_code == 422 and "credentials.client_secret: this field is required" in missing.text
    assert list_accounts(uow, shop.shop_id) == []
    saved = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "ups", "kept": "stored",
                                                        "client_id": "shop-client", "client_secret": "s3cret-Value-77"})
    assert saved.status_code == 200 and "UPS account saved" in saved.text
    assert "s3cret-Value-77" not in saved.text and "credentials stored encrypted" in saved.text
    assert "s3cret-Value-77" not in client.get("/app/settings").text
    credentials = shop_credentials(uow, shop.shop_id, "ups", SECRET_KEY)
    assert (credentials.client_id, credentials.client_secret) == ("shop-client", "s3cret-Value-77")
    mine = env_namespace(shop.shop_id)  # a shop's env_prefix lies in its own namespace (issue 25 item 3)
    outside = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "fedex", "kept": "env",
                                                          "env_prefix": "PARCELTRAIL_FEDEX_"})
    assert outside.status_code == 422 and "env_prefix: expected a prefix starting with " + mine in outside.text
    env = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "fedex", "kept": "env",
                                                      "env_prefix": mine + "FEDEX_"})
    assert f"read from the server&#39;s environment: {mine}FEDEX_*" in env.text
    labels_only = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "dhl_ecommerce",
                                                              "kept": "env", "env_prefix": mine + "DHLEC_"})
    assert "DHL eCommerce (labels) account saved" in labels_only.text
    assert {a.carrier: a.env_ref for a in list_accounts(uow, shop.shop_id)} == {
        "fedex": mine + "FEDEX_", "ups": None, "dhl_ecommerce": mine + "DHLEC_"}
    bad = client.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "dhl", "kept": "env",
                                                      "env_prefix": "lower"})
    assert bad.status_code == 422 and "env_prefix: expected upper-case letters" in bad.text
    gone = client.post("/app/settings/carriers/ups/delete", data={"csrf_token": csrf})
    assert gone.status_code == 303 and sorted(a.carrier for a in list_accounts(uow, shop.shop_id)) == [
        "dhl_ecommerce", "fedex"]


def test_staff_see_accounts_but_cannot_change_them_and_forms_need_their_token(keyed_api, shop, uow):
    owner = signed_in(keyed_api)
    prefix = env_namespace(shop.shop_id) + "DHL_"
    owner.post("/app/settings/carriers", data={"csrf_token": token(owner, "/app/settings/carriers"), "carrier": "dhl",
                                               "kept": "env", "env_prefix": prefix})
    packer = signed_in(keyed_api, "packer@maple.example")
    seen = packer.get("/app/settings/carriers").text
    assert prefix + "*" in seen and "Save account" not in seen and "Remove the DHL" not in seen
    csrf = token(packer, "/app/settings/carriers")
    assert packer.post("/app/settings/carriers/dhl/delete", data={"csrf_token": csrf}).status_code == 403
    assert packer.post("/app/settings/carriers", data={"csrf_token": csrf, "carrier": "ups", "kept": "env",
                                                       "env_prefix": "X_"}).status_code == 403
    assert owner.post("/app/settings/carriers/dhl/delete", data={"csrf_token": "forged"}).status_code == 403
    assert [a.carrier for a in list_accounts(uow, shop.shop_id)] == ["dhl"]
    assert owner.post("/app/settings/carriers/usps/delete",
                      data={"csrf_token": token(owner, "/app/settings/carriers")}).status_code == 404


def test_a_server_without_a_secret_key_says_so_and_stores_no_secret(api, shop, uow):
    client = signed_in(api)
    form = client.get("/app/settings/carriers", params={"carrier": "dhl"}).text
    assert "This server has no PARCELTRAIL_SECRET_KEY" in form
    refused = client.post("/app/settings/carriers", data={"csrf_token": token(client, "/app/settings/carriers"),
                                                          "carrier": "dhl", "kept": "stored", "api_key": "k-123456"})
    assert refused.status_code == 422 and "PARCELTRAIL_SECRET_KEY" in refused.text and "k-123456" not in refused.text
    assert list_accounts(uow, shop.shop_id) == []
    unknown = client.post("/app/settings/carriers", data={"csrf_token": token(client, "/app/settings/carriers"),
                                                          "carrier": "sandbox_swift", "kept": "env", "env_prefix": "A_"})
    assert unknown.status_code == 422 and "carrier: expected one of:" in unknown.text
    with httpx.Client(base_url=api.url) as stranger:
        assert stranger.get("/app/settings/carriers").headers["location"] == "/app/login"
