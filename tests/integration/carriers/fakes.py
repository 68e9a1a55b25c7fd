"""The five carriers as a ``CarrierServer`` plays them: what each checks, and what it answers."""

from __future__ import annotations

import json
import time

from tests.integration.carriers.conftest import (
    APP_KEY,
    APP_SECRET,
    CLIENT_ID,
    CLIENT_SECRET,
    DHL_KEY,
    SHOP_CIPHER,
    SHOP_TOKEN,
    CarrierServer,
    Reply,
    Seen,
    basic,
    fixture_body,
    form,
    tiktok_signature,
)

UNAUTHORIZED = Reply(
    401, {"response": {"errors": [{"code": "250002", "message": "Invalid Authentication Information."}]}}
)


def _token_endpoint(server: CarrierServer, *, basic_auth: bool):
    """Client-credentials grant: credentials in a Basic header (UPS) or in the form (FedEx, USPS)."""

    def handle(seen: Seen) -> Reply:
        fields = form(seen)
        if "application/x-www-form-urlencoded" not in seen.headers.get("content-type", ""):
            return Reply(415, {"error": "unsupported_media_type"})
        if fields.get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type"})
        if basic_auth:
            good = (
                seen.headers.get("authorization") == basic(CLIENT_ID, CLIENT_SECRET)
                and "client_secret" not in fields
            )
        else:
            good = fields.get("client_id") == CLIENT_ID and fields.get("client_secret") == CLIENT_SECRET
        if not good:
            return Reply(
                401, {"error": "invalid_client", "error_description": "Client authentication failed"}
            )
        return Reply(200, server.issue_token())

    return handle


def ups(server: CarrierServer, answers: dict[str, str]) -> None:
    """``answers``: tracking number -> fixture scenario; other numbers get UPS's 404 "not found" body."""
    server.route("POST", "/security/v1/oauth/token", _token_endpoint(server, basic_auth=True))

    def track(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return UNAUTHORIZED
        if not seen.headers.get("transid") or seen.headers.get("transactionsrc") != "parceltrail":
            return Reply(400, {"response": {"errors": [{"code": "10001", "message": "Missing transId"}]}})
        number = seen.path.rsplit("/", 1)[-1]
        if number in answers:
            return Reply(200, fixture_body("ups", answers[number]))
        return Reply(
            404,
            {"response": {"errors": [{"code": "151044", "message": "No tracking information available"}]}},
        )

    server.route("GET", "/api/track/v1/details/", track)


def fedex(server: CarrierServer, answers: dict[str, str]) -> None:
    server.route("POST", "/oauth/token", _token_endpoint(server, basic_auth=False))

    def track(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return Reply(
                401, {"errors": [{"code": "NOT.AUTHORIZED.ERROR", "message": "Access token expired."}]}
            )
        try:
            request = json.loads(seen.body)
            number = request["trackingInfo"][0]["trackingNumberInfo"]["trackingNumber"]
        except (ValueError, KeyError, IndexError):
            return Reply(
                400, {"errors": [{"code": "INVALID.INPUT.EXCEPTION", "message": "Invalid field value"}]}
            )
        if request.get("includeDetailedScans") is not True:
            return Reply(
                400, {"errors": [{"code": "INVALID.INPUT.EXCEPTION", "message": "includeDetailedScans"}]}
            )
        return Reply(200, fixture_body("fedex", answers.get(number, "not_found")))

    server.route("POST", "/track/v1/trackingnumbers", track)


def usps(server: CarrierServer, answers: dict[str, str]) -> None:
    server.route("POST", "/oauth2/v3/token", _token_endpoint(server, basic_auth=False))

    def track(seen: Seen) -> Reply:
        if not server.bearer_ok(seen):
            return Reply(401, {"error": {"code": "401", "message": "Unauthorized"}})
        if seen.query.get("expand") != "DETAIL":
            return Reply(
                200, {"trackingNumber": seen.path.rsplit("/", 1)[-1], "statusCategory": "In Transit"}
            )
        number = seen.path.rsplit("/", 1)[-1]
        if number in answers:
            return Reply(200, fixture_body("usps", answers[number]))
        return Reply(404, fixture_body("usps", "not_found"))

    server.route("GET", "/tracking/v3/tracking/", track)


def dhl(server: CarrierServer, answers: dict[str, str]) -> None:
    def track(seen: Seen) -> Reply:
        if seen.headers.get("dhl-api-key") != DHL_KEY:
            return Reply(401, {"title": "Unauthorized", "status": 401, "detail": "Invalid API key"})
        number = seen.query.get("trackingNumber", "")
        if number in answers:
            return Reply(200, fixture_body("dhl", answers[number]))
        return Reply(404, fixture_body("dhl", "not_found"), {"Content-Type": "application/problem+json"})

    server.route("GET", "/track/shipments", track)


def tiktok(server: CarrierServer, answers: dict[str, str], clock=time.time) -> None:
    """Checks app_key, timestamp freshness (5 minutes), the access-token header and the signature."""

    def track(seen: Seen) -> Reply:
        def error(code: int, message: str) -> Reply:
            return Reply(200, {"code": code, "message": message, "request_id": "2026112500000001"})

        if seen.query.get("app_key") != APP_KEY:
            return error(106011, "Invalid app_key")
        if abs(clock() - int(seen.query.get("timestamp", "0"))) > 300:
            return error(106003, "Timestamp expired")
        if seen.query.get("shop_cipher") != SHOP_CIPHER:
            return error(106010, "Invalid shop_cipher")
        if seen.headers.get("x-tts-access-token") != SHOP_TOKEN:
            return error(105002, "Expired credentials")
        if seen.query.get("sign") != tiktok_signature(seen.path, seen.query, seen.body, APP_SECRET):
            return error(106001, "Invalid sign")
        order_id = seen.path.split("/")[-2]
        return Reply(200, fixture_body("tiktok", answers.get(order_id, "not_found")))

    server.route("GET", "/fulfillment/202309/orders/", track)
