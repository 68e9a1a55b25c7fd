"""'202 means on disk' (issue 25 item 6): on SQLite the inbox insert commits with synchronous=FULL.

WAL + synchronous=NORMAL, the engine's default, may roll the last commits back after a power cut; a
push the carrier was told is stored must not be among them. SQLite only: PostgreSQL's commit waits
for its WAL to be flushed whatever the transaction (``synchronous_commit=on``, its default).
"""

from __future__ import annotations

from pydantic import SecretStr

from tests.conftest import LiveServer
from tests.integration.push.helpers import SECRET, UPS_NUMBER, push, ups_body
from tests.parcels import valid_number

FULL, NORMAL = 2, 1


def test_the_inbox_insert_commits_with_synchronous_full_and_other_writes_do_not(tmp_path, monkeypatch):
    from parceltrail.api import create_app
    from parceltrail.services import create_shop, register_package
    from parceltrail.settings import Settings
    from parceltrail.store import UnitOfWork, make_engine, migrate
    from parceltrail.store.hooks import HookInboxRepository
    from parceltrail.store.packages import PackageRepository

    url = f"sqlite:///{tmp_path / 'durable.db'}"
    engine = make_engine(url)
    migrate(engine)
    seen: dict[str, list[int]] = {"inbox": [], "package": []}

    def level(connection) -> int:
        return connection.exec_driver_sql("PRAGMA synchronous").scalar_one()

    store_delivery, add_package = HookInboxRepository.add, PackageRepository.add

    def watched_inbox(self, *args, **kwargs):
        seen["inbox"].append(level(self._c))
        return store_delivery(self, *args, **kwargs)

    def watched_package(self, *args, **kwargs):
        seen["package"].append(level(self._c))
        return add_package(self, *args, **kwargs)

    monkeypatch.setattr(HookInboxRepository, "add", watched_inbox)
    monkeypatch.setattr(PackageRepository, "add", watched_package)
    settings = Settings(database_url=url, queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
                        hook_secrets={"ups": SecretStr(SECRET)})
    uow = UnitOfWork(engine)
    shop = create_shop(uow, "Durable Shop").shop
    with LiveServer(create_app(settings, engine)) as server:
        for n in range(3):
            register_package(uow, shop.id, valid_number("ups", n), "ups")
            answer = push(server.url, "ups", ups_body("delivered"), f"evt_durable_{n}")
            assert answer.status_code == 202, answer.text
    register_package(uow, shop.id, UPS_NUMBER, "ups", force=True)  # the published sample fails its check digit
    assert seen["inbox"] == [FULL] * 3
    assert seen["package"] == [NORMAL] * 4, "a connection goes back to NORMAL after a durable commit"
    engine.dispose()
