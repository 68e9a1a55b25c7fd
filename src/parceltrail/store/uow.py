"""Unit of work: one transaction, the repositories that act inside it, commit or roll back as a whole.

Services open one per use case (``with uow: ... uow.commit()``); leaving the block without commit
rolls back, so bad input is never half-stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, Self, TypeVar, overload

from sqlalchemy import Connection, Engine, text

from parceltrail.store.accounts import AccountRepository
from parceltrail.store.branding import BrandingRepository
from parceltrail.store.buyers import BuyerRepository
from parceltrail.store.cases import CaseRepository
from parceltrail.store.dashboard import DashboardRepository
from parceltrail.store.digests import DigestRepository
from parceltrail.store.disputes import DisputeRepository
from parceltrail.store.engine import WRITE_WAIT_SECONDS, write_turn
from parceltrail.store.estimates import EstimateRepository
from parceltrail.store.events import EventRepository
from parceltrail.store.evidence import EvidenceRepository
from parceltrail.store.flags import FlagRepository
from parceltrail.store.guard import GuardRepository
from parceltrail.store.history import HistoryRepository
from parceltrail.store.hooks import HookInboxRepository
from parceltrail.store.imports import ImportRepository
from parceltrail.store.labels import LabelRepository
from parceltrail.store.notifications import NotificationRepository
from parceltrail.store.opt_ins import OptInRepository
from parceltrail.store.orders import OrderRepository
from parceltrail.store.outbox import OutboxRepository
from parceltrail.store.packages import PackageRepository
from parceltrail.store.polling import PollRepository
from parceltrail.store.proofs import ProofRepository
from parceltrail.store.recipients import RecipientRepository
from parceltrail.store.retention import RetentionRepository
from parceltrail.store.scorecards import ScorecardRepository
from parceltrail.store.sending import SendingRepository
from parceltrail.store.shops import ShopRepository
from parceltrail.store.site import SiteRepository
from parceltrail.store.staff import StaffRepository
from parceltrail.store.tiktok import TikTokRepository
from parceltrail.store.unknown_codes import UnknownCodeRepository
from parceltrail.store.warnings import WarningRepository
from parceltrail.store.webhooks import WebhookEndpointRepository

R = TypeVar("R")


class _Repository(Generic[R]):
    """A repository made on first use inside a transaction, bound to its connection, and dropped when the
    transaction ends. Most transactions use two or three of the thirty-odd repositories: making them all
    at every ``with uow`` cost more than a read's query (bench/load.py)."""

    def __init__(self, factory: Callable[[Connection], R]) -> None:
        self._factory = factory
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[R]: ...
    @overload
    def __get__(self, uow: UnitOfWork, owner: type) -> R: ...

    def __get__(self, uow: UnitOfWork | None, owner: type) -> R | _Repository[R]:
        if uow is None:
            return self
        if uow._connection is None:
            raise RuntimeError(f"uow.{self._name} is used outside a 'with uow:' block")
        repository = self._factory(uow._connection)
        uow.__dict__[self._name] = repository  # the instance attribute now answers until the transaction ends
        uow._made.append(self._name)
        return repository


class UnitOfWork:
    shops = _Repository(ShopRepository)
    packages = _Repository(PackageRepository)
    events = _Repository(EventRepository)
    hooks = _Repository(HookInboxRepository)
    polling = _Repository(PollRepository)
    estimates = _Repository(EstimateRepository)
    accounts = _Repository(AccountRepository)
    history = _Repository(HistoryRepository)
    orders = _Repository(OrderRepository)
    tiktok = _Repository(TikTokRepository)
    outbox = _Repository(OutboxRepository)
    webhooks = _Repository(WebhookEndpointRepository)
    notifications = _Repository(NotificationRepository)
    site = _Repository(SiteRepository)
    branding = _Repository(BrandingRepository)
    buyers = _Repository(BuyerRepository)
    staff = _Repository(StaffRepository)
    dashboard = _Repository(DashboardRepository)
    imports = _Repository(ImportRepository)
    labels = _Repository(LabelRepository)
    scorecards = _Repository(ScorecardRepository)
    disputes = _Repository(DisputeRepository)
    unknown_codes = _Repository(UnknownCodeRepository)
    warnings = _Repository(WarningRepository)
    flags = _Repository(FlagRepository)
    cases = _Repository(CaseRepository)
    guard = _Repository(GuardRepository)
    recipients = _Repository(RecipientRepository)
    digests = _Repository(DigestRepository)
    sending = _Repository(SendingRepository)
    opt_ins = _Repository(OptInRepository)
    proofs = _Repository(ProofRepository)
    evidence = _Repository(EvidenceRepository)
    retention = _Repository(RetentionRepository)

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._reading = False
        self._durable = False
        self._made: list[str] = []
        self._joined = 0
        self._turn: threading.Lock | None = None

    def read(self) -> UnitOfWork:
        """Use as ``with uow.read():`` for a transaction that only reads (it never waits for writers)."""
        self._reading = True
        return self

    def durable(self) -> UnitOfWork:
        """Use as ``with uow.durable():`` when the commit is a promise ("202 means on disk"): on SQLite
        the commit then waits for the disk (``synchronous=FULL``); PostgreSQL's commits always do."""
        self._durable = True
        return self

    def __enter__(self) -> Self:
        if self._connection is not None:
            # a read inside an open transaction joins it (one request's reads share one transaction); a
            # second writing transaction inside the first would commit or roll back the wrong work
            if not self._reading:
                raise RuntimeError("a unit of work is already open; only 'with uow.read():' may nest")
            self._reading = self._durable = False
            self._joined += 1
            return self
        if not self._reading:
            self._take_write_turn()
        try:
            self._connection = self.engine.connect()
        except BaseException:
            self._end_write_turn()
            raise
        # On SQLite a writing transaction takes the write lock when it begins (BEGIN IMMEDIATE), so it
        # waits its turn under busy_timeout instead of failing with "database is locked" when it first
        # writes after reading; reading transactions begin deferred and run beside writers (WAL). A read
        # needs no options (the defaults), which spares every read the cost of setting them.
        if not self._reading or self._durable:
            self._connection.execution_options(sqlite_immediate=not self._reading, sqlite_durable=self._durable)
        self._reading = self._durable = False
        try:
            self._transaction = self._connection.begin()
        except BaseException:
            self._connection.close()
            self._connection = None
            self._end_write_turn()
            raise
        return self

    def _take_write_turn(self) -> None:
        """Queue behind this process's other writers of a SQLite file (``store.engine.write_turn``); after
        the wait SQLite's own busy timeout decides, so a turn that never comes is an error, not a hang."""
        turn = write_turn(self.engine)
        if turn is not None and turn.acquire(timeout=WRITE_WAIT_SECONDS):
            self._turn = turn

    def _end_write_turn(self) -> None:
        if self._turn is not None:
            self._turn, turn = None, self._turn
            turn.release()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._connection is not None
        if self._joined:
            self._joined -= 1
            return
        for name in self._made:
            del self.__dict__[name]
        self._made.clear()
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            try:
                self._connection.close()
            finally:
                self._connection = None
                self._end_write_turn()

    def commit(self) -> None:
        self._transaction.commit()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        assert self._connection is not None
        self._connection.execute(text("SELECT 1"))
