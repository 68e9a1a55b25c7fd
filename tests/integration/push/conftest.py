"""Fixtures for carrier push: settings with push secrets, and the API serving them on a real port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from tests.conftest import LiveServer
from tests.integration.push.helpers import SECRET


@pytest.fixture
def push_settings(settings):
    """The test settings with push set up for UPS and the sandbox carrier (and no other)."""
    return settings.model_copy(
        update={"hook_secrets": {"ups": SecretStr(SECRET), "sandbox": SecretStr(SECRET)}}
    )


@pytest.fixture
def push_api(push_settings, engine) -> Iterator[LiveServer]:
    from parceltrail.api import create_app

    with LiveServer(create_app(push_settings, engine)) as server:
        yield server
