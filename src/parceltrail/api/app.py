"""The FastAPI application factory. Migrations run when the app starts, so a fresh database just works."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import parceltrail
from parceltrail.api import problems
from parceltrail.api.accounts import router as accounts_router
from parceltrail.api.carriers import router as carriers_router
from parceltrail.api.delivery import router as delivery_router
from parceltrail.api.deps import Uow
from parceltrail.api.disputes import router as disputes_router
from parceltrail.api.events import router as events_router
from parceltrail.api.evidence import router as evidence_router
from parceltrail.api.exceptions import router as exceptions_router
from parceltrail.api.hooks import router as hooks_router
from parceltrail.api.keys import router as keys_router
from parceltrail.api.labels import router as labels_router
from parceltrail.api.limits import BodyLimit
from parceltrail.api.metrics import router as metrics_router
from parceltrail.api.notifications import router as notifications_router
from parceltrail.api.numbers import router as numbers_router
from parceltrail.api.opt_in import router as opt_in_router
from parceltrail.api.orders import router as orders_router
from parceltrail.api.packages import router as packages_router
from parceltrail.api.previews import router as previews_router
from parceltrail.api.rates import RateLimit, RateLimits
from parceltrail.api.recipients import router as recipients_router
from parceltrail.api.schemas import HealthOut
from parceltrail.api.scorecards import router as scorecards_router
from parceltrail.api.tiktok import router as tiktok_router
from parceltrail.api.unsubscribe import router as unsubscribe_router
from parceltrail.api.webhooks import router as webhooks_router
from parceltrail.numbers import catalogue
from parceltrail.services.estimates import warm_up
from parceltrail.settings import Settings
from parceltrail.store import make_engine, migrate
from parceltrail.store.engine import refresh_statistics
from parceltrail.web import install as install_pages


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        migrate(engine)
        refresh_statistics(engine)  # lists page on the index that matches their sort (store.engine)
        catalogue()  # load the tracking-number formats now, not on the first request
        warm_up()  # and the ZIP table and holiday calendars, not inside the first write
        started.openapi()  # build the schema (most of a second with every route) before the first /docs
        yield

    app = FastAPI(
        title="parceltrail",
        version=parceltrail.__version__,
        description="Package tracking for online sellers. Errors are RFC 9457 problem+json.",
        lifespan=lifespan,
        docs_url=None,  # /docs and /redoc are served by parceltrail.web with local assets
        redoc_url=None,
    )
    app.state.engine = engine
    app.state.settings = settings
    problems.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.state.rates = RateLimits.of(settings)
    app.add_middleware(RateLimit, limits=app.state.rates)  # before the body is read: a refused flood costs little

    @app.get("/healthz", response_model=HealthOut, tags=["health"],
             responses={503: {"description": "The database does not answer"}})
    def healthz(uow: Uow):
        """Liveness plus database reachability (503 when the database does not answer)."""
        try:
            with uow.read():
                uow.ping()
        except SQLAlchemyError as error:
            return problems.problem(503, "Database unreachable", f"the database did not answer: {type(error).__name__}")
        return HealthOut(status="ok", database="ok")

    app.include_router(packages_router)
    app.include_router(events_router)
    app.include_router(numbers_router)
    app.include_router(accounts_router)
    app.include_router(hooks_router)
    app.include_router(tiktok_router)
    app.include_router(orders_router)
    app.include_router(webhooks_router)
    app.include_router(notifications_router)
    app.include_router(scorecards_router)
    app.include_router(labels_router)
    app.include_router(disputes_router)
    app.include_router(carriers_router)
    app.include_router(delivery_router)
    app.include_router(evidence_router)
    install_pages(app)
    app.include_router(exceptions_router)
    app.include_router(metrics_router)
    app.include_router(recipients_router)
    app.include_router(previews_router)
    app.include_router(unsubscribe_router)
    app.include_router(opt_in_router)
    app.include_router(keys_router)
    app.add_middleware(problems.ServerErrors)  # keep this the last middleware: the outermost sees every failure
    return app
