"""Unit of work: one transaction, the repositories that act inside it, commit or roll back as a whole.

Services open one per use case (``with uow: ... uow.commit()``); leaving the block without commit
rolls back, so bad input is never half-stored.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, text

from parceltrail.store.accounts import AccountRepository
from parceltrail.store.branding import BrandingRepository
from parceltrail.store.buyers import BuyerRepository
from parceltrail.store.cases import CaseRepository
from parceltrail.store.dashboard import DashboardRepository
from parceltrail.store.digests import DigestRepository
from parceltrail.store.disputes import DisputeRepository
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


class UnitOfWork:
    shops: ShopRepository
    packages: PackageRepository
    events: EventRepository
    hooks: HookInboxRepository
    polling: PollRepository
    estimates: EstimateRepository
    accounts: AccountRepository
    history: HistoryRepository
    orders: OrderRepository
    tiktok: TikTokRepository
    outbox: OutboxRepository
    webhooks: WebhookEndpointRepository
    notifications: NotificationRepository
    site: SiteRepository
    branding: BrandingRepository
    buyers: BuyerRepository
    staff: StaffRepository
    dashboard: DashboardRepository
    imports: ImportRepository
    labels: LabelRepository
    scorecards: ScorecardRepository
    disputes: DisputeRepository
    unknown_codes: UnknownCodeRepository
    warnings: WarningRepository
    flags: FlagRepository
    cases: CaseRepository
    guard: GuardRepository
    recipients: RecipientRepository
    digests: DigestRepository
    sending: SendingRepository
    opt_ins: OptInRepository
    proofs: ProofRepository
    evidence: EvidenceRepository
    retention: RetentionRepository

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._reading = False
        self._durable = False

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
        self._connection = self.engine.connect()
        # On SQLite a writing transaction takes the write lock when it begins (BEGIN IMMEDIATE), so it
        # waits its turn under busy_timeout instead of failing with "database is locked" when it first
        # writes after reading; reading transactions begin deferred and run beside writers (WAL).
        self._connection.execution_options(sqlite_immediate=not self._reading, sqlite_durable=self._durable)
        self._reading = self._durable = False
        self._transaction = self._connection.begin()
        self.shops = ShopRepository(self._connection)
        self.packages = PackageRepository(self._connection)
        self.events = EventRepository(self._connection)
        self.hooks = HookInboxRepository(self._connection)
        self.polling = PollRepository(self._connection)
        self.estimates = EstimateRepository(self._connection)
        self.accounts = AccountRepository(self._connection)
        self.history = HistoryRepository(self._connection)
        self.orders = OrderRepository(self._connection)
        self.tiktok = TikTokRepository(self._connection)
        self.outbox = OutboxRepository(self._connection)
        self.webhooks = WebhookEndpointRepository(self._connection)
        self.notifications = NotificationRepository(self._connection)
        self.site = SiteRepository(self._connection)
        self.branding = BrandingRepository(self._connection)
        self.buyers = BuyerRepository(self._connection)
        self.staff = StaffRepository(self._connection)
        self.dashboard = DashboardRepository(self._connection)
        self.imports = ImportRepository(self._connection)
        self.labels = LabelRepository(self._connection)
        self.scorecards = ScorecardRepository(self._connection)
        self.disputes = DisputeRepository(self._connection)
        self.unknown_codes = UnknownCodeRepository(self._connection)
        self.warnings = WarningRepository(self._connection)
        self.flags = FlagRepository(self._connection)
        self.cases = CaseRepository(self._connection)
        self.guard = GuardRepository(self._connection)
        self.recipients = RecipientRepository(self._connection)
        self.digests = DigestRepository(self._connection)
        self.sending = SendingRepository(self._connection)
        self.opt_ins = OptInRepository(self._connection)
        self.proofs = ProofRepository(self._connection)
        self.evidence = EvidenceRepository(self._connection)
        self.retention = RetentionRepository(self._connection)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._connection is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._connection.close()
            self._connection = None

    def commit(self) -> None:
        self._transaction.commit()

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        assert self._connection is not None
        self._connection.execute(text("SELECT 1"))
