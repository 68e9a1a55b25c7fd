"""Registration checks the number and carrier, keeps warnings with the package, and says how it is followed
(issue 17 items 7 and 8), over real HTTP and through the CLI."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.integration.api_client import cli, shop_client

UPS_OK = "1Z999AA10123456784"
UPS_TYPO = "1Z999AA10123456785"  # check digit 5, the format needs 4
FEDEX = "123456789012"  # FedEx Express 12 digits, valid check digit
JT = "JT7776317066907"  # J&T Express: parceltrail knows the format, has no tracking adapter
CAINIAO = "LP77763170669074"


@pytest.fixture
def client(uow, api):
    return shop_client(uow, api.url, "Checks shop")


def test_wrong_check_digit_is_refused_then_accepted_with_force_and_a_stored_warning(client, database_url):
    refused = client.post("/v1/packages", json={"tracking_number": UPS_TYPO, "carrier": "ups"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "tracking_number"
    assert "check digit is 5, the format needs 4" in error["message"] and '"force": true' in error["message"]
    assert client.get("/v1/packages").json()["items"] == []

    forced = client.post("/v1/packages", json={"tracking_number": UPS_TYPO, "carrier": "ups", "force": True})
    assert forced.status_code == 201
    assert [w["code"] for w in forced.json()["warnings"]] == ["check_digit_failed"]  # UPS's own format: a typo
    assert "check digit" in forced.json()["warnings"][0]["message"]
    package_id = forced.json()["id"]
    assert client.get(f"/v1/packages/{package_id}").json()["warnings"] == forced.json()["warnings"]
    assert client.get("/v1/packages").json()["items"][0]["warnings"] == forced.json()["warnings"]
    again = client.post("/v1/packages", json={"tracking_number": UPS_TYPO, "carrier": "ups"})
    assert (again.status_code, again.json()["id"]) == (200, package_id)  # already registered: no second refusal

    shown = cli(database_url, "packages", "show", package_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["warnings"] == forced.json()["warnings"]
    table = cli(database_url, "packages", "show", package_id)
    assert "check_digit_failed" in table.stdout and UPS_TYPO in table.stdout


def test_unknown_carrier_is_refused_even_with_force(client):
    for force in (False, True):
        response = client.post("/v1/packages", json={"tracking_number": UPS_OK, "carrier": "foo", "force": force})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "carrier"
        assert "'foo' is not a carrier parceltrail knows" in response.json()["errors"][0]["message"]
    assert {"ups", "fedex", "jtexpress", "tiktok"} <= {c["code"] for c in client.get("/v1/carriers").json()}


def test_another_carriers_number_is_refused_naming_the_carrier_it_looks_like(client):
    response = client.post("/v1/packages", json={"tracking_number": FEDEX, "carrier": "ups"})
    assert response.status_code == 422
    assert "looks like a FedEx number" in response.json()["errors"][0]["message"]
    forced = client.post("/v1/packages", json={"tracking_number": FEDEX, "carrier": "ups", "force": True})
    assert forced.status_code == 201 and forced.json()["warnings"][0]["code"] == "carrier_mismatch"


def test_without_a_carrier_a_typo_is_refused_and_an_unknown_format_is_kept_with_a_warning(client):
    typo = client.post("/v1/packages", json={"tracking_number": UPS_TYPO})
    assert typo.status_code == 422 and "mistyped" in typo.json()["errors"][0]["message"]
    forced = client.post("/v1/packages", json={"tracking_number": UPS_TYPO, "force": True}).json()
    assert (forced["carrier"], [w["code"] for w in forced["warnings"]]) == (None, ["check_digit_failed"])
    unknown = client.post("/v1/packages", json={"tracking_number": "PKG0001"})
    assert unknown.status_code == 201
    assert [w["code"] for w in unknown.json()["warnings"]] == ["unrecognised_number"]
    assert unknown.json()["tracking"]["source"] == "events"


def test_registration_says_which_packages_are_followed_and_which_wait_for_events(client, monkeypatch):
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_ID", "walk-id")
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_SECRET", "walk-secret")
    ups = client.post("/v1/packages", json={"tracking_number": UPS_OK}).json()
    assert (ups["carrier"], ups["warnings"]) == ("ups", [])
    assert ups["tracking"]["source"] == "polling" and ups["tracking"]["automatic"] is True
    assert ups["tracking"]["next_check_at"] is not None and ups["tracking"]["last_error"] is None
    for number, carrier in ((JT, "jtexpress"), (CAINIAO, "cainiao")):
        body = client.post("/v1/packages", json={"tracking_number": number, "carrier": carrier}).json()
        tracking = body["tracking"]
        assert (body["carrier"], tracking["source"], tracking["automatic"]) == (carrier, "events", False), body
        assert tracking["next_check_at"] is None
        assert f"/v1/packages/{body['id']}/events" in tracking["reason"]
    # TikTok Shipping is pollable (by the order a package belongs to), but only for a shop connected to TikTok
    # Shop on a server set up for it: until then registration says so instead of promising polling.
    tiktok = client.post("/v1/packages", json={"tracking_number": "577123456789", "carrier": "tiktok"}).json()
    assert (tiktok["tracking"]["source"], tiktok["tracking"]["automatic"]) == ("polling", False)
    assert "PARCELTRAIL_TIKTOK_APP_KEY" in tiktok["tracking"]["reason"]


def test_a_polled_carrier_without_an_account_is_not_promised_as_automatic(client, monkeypatch, database_url):
    for name in ("PARCELTRAIL_UPS_CLIENT_ID", "PARCELTRAIL_UPS_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    ups = client.post("/v1/packages", json={"tracking_number": UPS_OK}).json()
    tracking = ups["tracking"]
    assert (tracking["source"], tracking["automatic"]) == ("polling", False)
    assert "PARCELTRAIL_UPS_CLIENT_ID" in tracking["reason"] and "/v1/carrier-accounts/ups" in tracking["reason"]
    assert client.get(f"/v1/packages/{ups['id']}").json()["tracking"] == tracking
    assert client.get("/v1/packages").json()["items"][0]["tracking"] == tracking
    shown = cli(database_url, "packages", "show", ups["id"], "--json")
    assert json.loads(shown.stdout)["tracking"]["automatic"] is False, shown.stderr
    # Once the server has a UPS account its checks can work, and the answer says so at once.
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_ID", "id")
    monkeypatch.setenv("PARCELTRAIL_UPS_CLIENT_SECRET", "secret")
    again = client.get(f"/v1/packages/{ups['id']}").json()["tracking"]
    assert (again["automatic"], again["reason"]) == (True, "parceltrail asks UPS for new scans")


def test_a_failing_carrier_shows_on_the_package_and_in_the_shops_carrier_health(client, uow, database_url,
                                                                                  monkeypatch):
    from parceltrail.services.polling import Poller

    for name in ("PARCELTRAIL_UPS_CLIENT_ID", "PARCELTRAIL_UPS_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    ups = client.post("/v1/packages", json={"tracking_number": UPS_OK}).json()
    client.post("/v1/packages", json={"tracking_number": JT, "carrier": "jtexpress"})
    report = Poller(client=None).tick(uow)
    assert report.failed == 1

    tracking = client.get(f"/v1/packages/{ups['id']}").json()["tracking"]
    assert tracking["last_checked_at"] is not None and tracking["check_failures"] == 1
    assert "no ups account configured" in tracking["last_error"]
    assert tracking["next_check_at"] > tracking["last_checked_at"]

    health = {h["carrier"]: h for h in client.get("/v1/carriers/health").json()}
    assert health["ups"]["state"] == "failing" and health["ups"]["failing"] == 1
    assert "no ups account configured" in health["ups"]["errors"][0]["message"]
    assert health["jtexpress"]["state"] == "not_followed"
    listed = cli(database_url, "carriers", "health", "--shop", client.shop.shop.id, "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {json.loads(line)["carrier"]: json.loads(line) for line in listed.stdout.splitlines()}
    assert rows["ups"]["state"] == "failing" and rows["ups"]["errors"] == health["ups"]["errors"]
