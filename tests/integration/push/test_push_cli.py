"""``parceltrail hooks``: mint a secret, push a signed test body to a running server, look after the inbox."""

from __future__ import annotations

import base64
import json

import pytest
from typer.testing import CliRunner

from parceltrail.cli.main import UserError, app
from parceltrail.services.hooks import drain_inbox
from parceltrail.settings import get_settings
from tests.integration.push.helpers import FIXTURES, SECRET


@pytest.fixture
def hooks_cli(database_url, push_settings):
    """Run ``parceltrail hooks ...`` in-process with this test's database and push secrets."""
    runner = CliRunner()
    env = {
        "PARCELTRAIL_DATABASE_URL": database_url,
        "PARCELTRAIL_HOOK_SECRETS": json.dumps({"ups": SECRET}),
    }

    def run(*args: str):
        get_settings.cache_clear()
        try:
            return runner.invoke(app, ["hooks", *args], env=env)
        finally:
            get_settings.cache_clear()

    return run


def test_secret_prints_a_fresh_standard_webhooks_secret_each_time(hooks_cli):
    first, second = hooks_cli("secret").stdout.strip(), hooks_cli("secret").stdout.strip()

    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


def test_send_pushes_a_signed_body_that_the_server_accepts_once(hooks_cli, push_api, uow):
    body_file = str(FIXTURES / "ups" / "delivered.json")

    first = hooks_cli("send", "ups", body_file, "--url", push_api.url, "--id", "msg_cli")
    again = hooks_cli("send", "ups", body_file, "--url", push_api.url, "--id", "msg_cli")

    assert first.exit_code == 0 and first.stdout.startswith("202 ")
    assert again.exit_code == 0 and '"duplicate":true' in again.stdout
    assert SECRET not in first.stdout + again.stdout
    with uow:
        assert uow.hooks.counts() == {"pending": 1}


def test_send_without_a_configured_secret_is_a_one_line_mistake(hooks_cli, push_api):
    result = hooks_cli("send", "fedex", str(FIXTURES / "ups" / "delivered.json"), "--url", push_api.url)

    assert isinstance(result.exception, UserError)
    assert "no push secret for 'fedex'" in str(result.exception)


def test_status_lists_failures_and_retry_makes_one_pending_again(hooks_cli, push_api, uow, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "ups"}')
    hooks_cli("send", "ups", str(bad), "--url", push_api.url, "--id", "msg_bad")
    drain_inbox(uow)

    status = json.loads(hooks_cli("status", "--json").stdout)
    assert status["counts"] == {"failed": 1}
    [failed] = status["failed"]
    assert (failed["delivery_id"], failed["attempts"], failed["given_up"]) == ("msg_bad", 1, False)
    assert "CarrierShapeError" in failed["error"]
    assert "attempt 1 of 5" in hooks_cli("status").stdout

    assert hooks_cli("retry", str(failed["id"])).exit_code == 0
    with uow:
        assert uow.hooks.counts() == {"pending": 1}
    assert isinstance(hooks_cli("retry", str(failed["id"])).exception, UserError)  # pending, not failed
