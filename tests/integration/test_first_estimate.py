"""The first estimate waits for nothing (issue 25 item 9): the ZIP table is a compact cached file read at
start-up, and an estimate is predicted outside the write transaction yet never files a stale one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from parceltrail.core import Address, TrackingEvent

LOOKUP = ("from parceltrail import geo; import json; geo.load(); z = geo.us_zip('40213');"
          "print(json.dumps([z.city, z.state, z.timezone, len(geo.all_us_zips())]))")


def geo_in_a_fresh_process(cache_dir) -> list:
    env = {**os.environ, "PARCELTRAIL_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([sys.executable, "-c", LOOKUP], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_zip_table_is_listed_once_then_read_from_its_compact_cache(tmp_path):
    import zipcodes

    first = geo_in_a_fresh_process(tmp_path)
    truth = zipcodes.matching("40213")[0]  # the package's own answer, not ours
    assert first[:3] == [truth["city"], truth["state"], truth["timezone"]] and first[3] > 40_000
    (cached,) = tmp_path.glob("us-zips-*.tsv")
    assert cached.stat().st_size < 4_000_000
    lines = cached.read_text().splitlines()
    cached.write_text("\n".join(line.replace("\tLouisville\t", "\tFrom the cache\t") for line in lines) + "\n")
    assert geo_in_a_fresh_process(tmp_path)[0] == "From the cache", "a second process reads the cache"


def test_an_unwritable_cache_folder_falls_back_to_listing_in_process(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go")
    assert geo_in_a_fresh_process(blocked)[:2] == ["Louisville", "KY"]


def test_a_package_that_moves_while_its_estimate_is_predicted_gets_the_newest_one(uow, monkeypatch):
    from parceltrail.services import create_shop, ingest_many, register_package
    from parceltrail.services import estimates as module

    shop = create_shop(uow, "Race Shop").shop
    package = register_package(uow, shop.id, "1Z999AA10123456784", "ups",
                               destination=Address(postal_code="40213", country="US")).package
    at = datetime.now(UTC) - timedelta(days=1)
    ingest_many(uow, shop.id, {package.id: [TrackingEvent.create(at, "in_transit", carrier_code="DP")]})
    predict, calls = module._predict, []

    def slow_predict(own, ids, now):
        revision = predict(own, ids, now)
        if not calls:  # while the first prediction is in flight, the carrier says: delivered
            ingest_many(module.UnitOfWork(own.engine), shop.id,
                        {package.id: [TrackingEvent.create(at + timedelta(hours=20), "delivered", carrier_code="DL")]})
        calls.append(revision)
        return revision

    monkeypatch.setattr(module, "_predict", slow_predict)
    assert module.revise_estimates(uow, [package.id], datetime.now(UTC)) == 1
    assert len(calls) == 2, "the stale prediction was dropped and the package predicted again"
    with uow.read():
        current = uow.estimates.current([package.id])[package.id]
    assert current.moment == "delivered"
