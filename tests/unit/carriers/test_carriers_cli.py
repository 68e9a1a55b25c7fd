"""``parceltrail carriers``: the JSON a script reads, and one clean line for a wrong file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from parceltrail.cli.main import app, main
from tests.unit.carriers.conftest import FIXTURES

runner = CliRunner()


def test_parse_json_prints_the_documented_shape():
    result = runner.invoke(
        app, ["carriers", "parse", "usps", str(FIXTURES / "usps" / "delivered.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {k: out[k] for k in ("carrier", "tracking_number", "status", "substatus", "delivered_at")} == {
        "carrier": "usps",
        "tracking_number": "9400111206213859476238",
        "status": "delivered",
        "substatus": "mailbox",
        "delivered_at": "2026-11-20T19:41:00+00:00",
    }
    assert out["estimated_delivery"] is None
    assert [e["carrier_code"] for e in out["events"]] == [
        "GX",
        "03",
        "10",
        "L1",
        "NT",
        "A1",
        "07",
        "OF",
        "01",
    ]
    assert set(out["events"][0]["location"]) == {"city", "region", "postal_code", "country"}


def test_parse_without_json_prints_a_timeline():
    result = runner.invoke(app, ["carriers", "parse", "fedex", str(FIXTURES / "fedex" / "delivered.json")])
    assert result.exit_code == 0
    assert "794627189203" in result.output and "delivered / signed" in result.output
    assert "signed by M.ALVAREZ" in result.output


@pytest.fixture
def run_cli(monkeypatch, capsys):
    """The console script's own entry point, so user errors go through the real one-line handler."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.argv", ["parceltrail", "carriers", *args])
        with pytest.raises(SystemExit) as stop:
            main()
        out, err = capsys.readouterr()
        return stop.value.code, out, err

    return run


def test_malformed_body_exits_2_with_one_line_and_no_traceback(tmp_path, run_cli):
    wrong = tmp_path / "page.html"
    wrong.write_text("<html>502 Bad Gateway</html>")
    code, out, err = run_cli("parse", "dhl", str(wrong))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {wrong} is not a DHL tracking body: body is not JSON")


def test_another_carriers_body_exits_2(run_cli):
    code, _, err = run_cli("parse", "ups", str(FIXTURES / "fedex" / "delivered.json"))
    assert (code, err) == (
        2,
        (f"error: {FIXTURES / 'fedex' / 'delivered.json'} is not a UPS tracking body: "
         "no trackResponse: this is not a UPS Track API v1 body\n"),
    )


def test_unknown_carrier_is_a_usage_error(run_cli):
    code, _, err = run_cli("parse", "ontrac", "x.json")
    assert code == 2
    assert err.startswith("error: unknown carrier 'ontrac'; expected one of: ups, fedex, usps, dhl, tiktok")
    assert err.count("\n") == 1


def test_list_shows_every_carrier_and_what_it_supports():
    result = runner.invoke(app, ["carriers", "list", "--json"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    by_code = {r["code"]: r for r in rows}
    assert list(by_code)[:5] == ["ups", "fedex", "usps", "dhl", "tiktok"]
    assert by_code["tiktok"]["lookup"] == "order_id" and by_code["tiktok"]["supports"] == []
    assert "multi_piece" in by_code["ups"]["supports"]
