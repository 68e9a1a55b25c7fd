"""The one query behind carrier scorecards: a row per package shipped in a period, with what its
events say (handed over when, any exception, lost, damaged, failed attempts) and its label's promise
and deadline. One grouped subquery over events, not one query per package."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, and_, case, func, select

from parceltrail.core.status import NOT_A_HANDOFF
from parceltrail.store.labels import labels
from parceltrail.store.tables import events, packages

_NOT_A_HANDOFF = tuple(sorted(status.value for status in NOT_A_HANDOFF))


class ScorecardRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def shipped(self, shop_id: str, since: datetime, until: datetime, carrier: str | None = None) -> list[Row]:
        """Packages of the shop registered in [since, until), with their event facts and label."""
        facts = (
            select(
                events.c.package_id,
                func.min(case((events.c.status.not_in(_NOT_A_HANDOFF), events.c.occurred_at))).label("handed_over_at"),
                func.max(case((events.c.status == "exception", 1), else_=0)).label("had_exception"),
                func.max(case((events.c.substatus == "lost", 1), else_=0)).label("lost"),
                func.max(case((events.c.substatus == "damaged", 1), else_=0)).label("damaged"),
                func.min(case((events.c.status == "delivery_failed", events.c.occurred_at))).label("first_failed_at"),
            )
            .join(packages, packages.c.id == events.c.package_id)
            .where(packages.c.shop_id == shop_id, packages.c.created_at >= since, packages.c.created_at < until)
            .group_by(events.c.package_id)
            .subquery()
        )
        label = (
            select(labels.c.package_id, func.max(labels.c.promised_on).label("promised_on"),
                   func.max(labels.c.deliver_by).label("deliver_by"))
            .where(labels.c.shop_id == shop_id, labels.c.voided_at.is_(None))
            .group_by(labels.c.package_id)
            .subquery()
        )
        query = (
            select(packages.c.id, packages.c.carrier, packages.c.service, packages.c.origin_postal_code,
                   packages.c.origin_country, packages.c.dest_postal_code, packages.c.dest_country,
                   packages.c.created_at, packages.c.delivered_at, packages.c.status,
                   facts.c.handed_over_at, facts.c.had_exception, facts.c.lost, facts.c.damaged,
                   facts.c.first_failed_at, label.c.promised_on, label.c.deliver_by)
            .outerjoin(facts, facts.c.package_id == packages.c.id)
            .outerjoin(label, label.c.package_id == packages.c.id)
            .where(and_(packages.c.shop_id == shop_id, packages.c.created_at >= since, packages.c.created_at < until,
                        packages.c.status != "cancelled"))
        )
        if carrier is not None:
            query = query.where(packages.c.carrier == carrier)
        return self._c.execute(query.order_by(packages.c.id)).all()
