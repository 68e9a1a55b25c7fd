"""The unit of work: repositories bound to the open transaction only, reads that nest join it, and on SQLite
the writers of one process taking turns on a lock of their own (released however a write ends)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from parceltrail.services import create_shop
from parceltrail.store import UnitOfWork
from parceltrail.store.engine import write_turn


def test_repositories_belong_to_the_open_transaction_only(uow):
    with uow.read():
        first = uow.shops
        assert uow.shops is first  # made once per transaction
    with pytest.raises(RuntimeError, match="outside a 'with uow:' block"):
        uow.shops.list()
    with uow.read():
        assert uow.shops is not first  # a new transaction, a new connection, a new repository
        assert uow.shops.list() == []


def test_a_read_nested_in_a_write_joins_it_and_a_nested_write_is_refused(uow):
    made = create_shop(uow, "Nest")
    with uow:
        uow.shops.end_key(uow.shops.keys(made.shop.id)[0].id, revoked_at=datetime.now(UTC))
        with uow.read():  # sees the write not yet committed: the same transaction
            assert uow.shops.keys(made.shop.id)[0].revoked_at is not None
        with pytest.raises(RuntimeError, match="a unit of work is already open"), uow:
            pass
        assert uow.shops.keys(made.shop.id)[0].revoked_at is not None  # the outer transaction is still open
    with uow.read():  # never committed: rolled back as a whole
        assert uow.shops.keys(made.shop.id)[0].revoked_at is None


def test_sqlite_writers_take_turns_and_a_failed_write_gives_its_turn_back(uow, engine):
    turn = write_turn(engine)
    if engine.dialect.name != "sqlite":
        assert turn is None  # PostgreSQL's writers do not exclude one another
        return
    assert turn is not None and not turn.locked()
    with pytest.raises(ValueError), uow:
        assert turn.locked()
        raise ValueError("bad input")
    assert not turn.locked()

    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                create_shop(UnitOfWork(engine), f"Shop {n}-{i}")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and not turn.locked()
    with uow.read():
        assert len(uow.shops.list()) == 40


def test_reads_never_wait_for_the_writers_turn(uow, engine):
    turn = write_turn(engine)
    if turn is None:
        pytest.skip("PostgreSQL has no write turn")
    create_shop(uow, "Reader")
    with turn:  # a writer of this process holds the turn
        started = time.monotonic()
        with uow.read():
            assert [s.name for s in uow.shops.list()] == ["Reader"]
        assert time.monotonic() - started < 5
