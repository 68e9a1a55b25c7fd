"""The label commands as a newcomer runs them: settings, a label chosen by the rule, a batch, the
assignment and the scorecards, and mistakes printed as one line without a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # scheduled first in make test's parallel run (docs/testing.md)


def run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PARCELTRAIL_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "parceltrail", *args], env=env, capture_output=True, text=True,
                          check=False, timeout=120)


@pytest.fixture
def shop_id(database_url, engine):
    made = run(database_url, "shop", "create", "Label CLI shop", "--json")
    shop = json.loads(made.stdout)["shop_id"]
    ship_from = json.dumps({"name": "Lantern & Co", "line1": "400 Broad St", "city": "Seattle", "region": "WA",
                            "postal_code": "98109"})
    assert run(database_url, "shipping", "set", "--shop", shop, "--from", ship_from).returncode == 0
    return shop


TO = ["--to-name", "Jordan Rivera", "--to-line1", "350 fifth avenue", "--to-line2", "suite 3000",
      "--to-city", "new york", "--to-zip", "10118"]


def test_create_print_assign_and_score(database_url, shop_id, tmp_path):
    chosen = run(database_url, "labels", "create", "--shop", shop_id, *TO, "--weight", "2 lb", "--size", "12x10x8 in",
                 "--order", "578123456789012345", "--deliver-by", "2030-01-10", "--out", str(tmp_path / "a.pdf"),
                 "--json")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stderr.startswith("Chose sandbox")  # the rule's sentence
    label = json.loads(chosen.stdout)
    assert label["order_id"] == "578123456789012345" and label["assignment"]["chosen"]["carrier"] == label["carrier"]
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")
    named = run(database_url, "labels", "create", "--shop", shop_id, *TO, "--weight", "12 oz", "--carrier", "sandbox_west",
                "--service", "ground", "--format", "zpl", "--out", str(tmp_path / "b.zpl"))
    assert named.returncode == 0 and "sandbox_west ground PT" in named.stdout
    assert (tmp_path / "b.zpl").read_text().startswith("^XA")
    second = named.stdout.split(":")[0]
    batch = run(database_url, "labels", "print", "--shop", shop_id, label["id"], second, "--out", str(tmp_path / "all.pdf"))
    assert batch.returncode == 0 and "wrote 2 labels" in batch.stdout
    from pypdf import PdfReader

    assert len(PdfReader(tmp_path / "all.pdf").pages) == 2
    by_order = run(database_url, "labels", "print", "--shop", shop_id, "--order", "578123456789012345",
                   "--out", str(tmp_path / "order.pdf"))
    assert by_order.returncode == 0 and "wrote 1 label to" in by_order.stdout
    assert "578123456789012345" in PdfReader(tmp_path / "order.pdf").pages[0].extract_text()
    decision = json.loads(run(database_url, "assign", label["package_id"], "--shop", shop_id, "--json").stdout)
    assert decision["chosen"] == label["assignment"]["chosen"] and len(decision["candidates"]) == 8
    chosen_for = run(database_url, "assign", "578123456789012345", "--shop", shop_id)
    assert chosen_for.returncode == 0 and "Chose" in chosen_for.stdout
    assert "business days" in chosen_for.stdout and " d " not in chosen_for.stdout  # standards in words
    cards = json.loads(run(database_url, "scorecards", "--shop", shop_id, "--json").stdout)
    assert sum(c["parcels"] for c in cards["items"]) == 2
    assert {c["lane"] for c in cards["items"]} == {"981 -> NY"}
    table = run(database_url, "scorecards", "--shop", shop_id, "--by", "carrier")
    assert table.returncode == 0 and "sandbox_west" in table.stdout


MISTAKES = [
    (["labels", "create", *TO[:-2], "--to-zip", "1011", "--weight", "2 lb", "--carrier", "sandbox", "--service", "ground"],
     "ship_to.postal_code: '1011' is not a ZIP code"),
    (["labels", "create", *TO, "--weight", "heavy", "--carrier", "sandbox", "--service", "ground"], "weight: 'heavy'"),
    (["labels", "create", *TO, "--weight", "2 lb", "--carrier", "ups", "--service", "ground"], "no ups shipper account number"),
    (["labels", "create", *TO, "--weight", "2 lb", "--deliver-by", "soon"], "--deliver-by 'soon' is not a date"),
    (["labels", "print", "--order", "o-unlabelled"], "order_ids: no label for o-unlabelled"),
    (["assign", "pkg_nope"], "no package or order with id 'pkg_nope'"),
    (["scorecards", "--by", "planet"], "by: expected one of: lane, service, carrier"),
]


def test_mistakes_are_one_line(database_url, shop_id, tmp_path):
    for args, words in MISTAKES:
        command, rest = (args[:2], args[2:]) if args[0] == "labels" else (args[:1], args[1:])
        out = ["--out", str(tmp_path / "x.pdf")] if args[0] == "labels" else []
        result = run(database_url, *command, "--shop", shop_id, *rest, *out)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr and result.stderr.startswith("error: "), result.stderr
        assert words in result.stderr, result.stderr
        assert not (tmp_path / "x.pdf").exists()
