"""Pushes of sandbox-carrier tracking bodies through a running server, as the sandbox network sends them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from parceltrail.carriers import sandbox
from parceltrail.services import create_shop, get_package, register_package
from parceltrail.services.hooks import drain_inbox
from parceltrail.store.tables import events
from tests.integration.push.helpers import push

NOW = datetime.now(UTC)


def sandbox_body(number: str, at: datetime) -> bytes:
    return json.dumps(sandbox.tracking_body(number, at)).encode()


@pytest.mark.parametrize("scenario", list(sandbox.Scenario), ids=lambda s: s.name.lower())
def test_reordered_sandbox_pushes_end_in_the_journeys_latest_state(push_api, engine, uow, scenario):
    number = sandbox.encode(NOW - timedelta(days=12), sandbox.Service.GROUND, scenario, 4242)
    journey = sandbox.journey(number)
    scans = journey.visible(NOW)
    halfway = scans[len(scans) // 2].occurred_at
    shop = create_shop(uow, "Sandbox shop").shop
    package = register_package(uow, shop.id, number, "sandbox").package

    assert push(push_api.url, "sandbox", sandbox_body(number, NOW), f"{number}-late").status_code == 202
    assert push(push_api.url, "sandbox", sandbox_body(number, halfway), f"{number}-early").status_code == 202
    assert drain_inbox(uow).done == 2

    detail = get_package(uow, shop.id, package.id)
    latest = scans[-1]
    assert (detail.package.state.status, detail.package.state.substatus) == (latest.status, latest.substatus)
    assert len(detail.events) == len(scans)
    with engine.connect() as connection:
        sources = connection.execute(
            select(events.c.source).where(events.c.package_id == package.id)
        ).scalars()
        assert set(sources) == {"push"}
