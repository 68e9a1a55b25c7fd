"""The schema. Core tables (not ORM classes): repositories turn rows into the core's value objects,
so the domain never depends on SQLAlchemy, and bulk ingest can use plain executemany inserts.

Indexes follow the API's lookups: key by hash; package by (shop, number, carrier) and (shop, order
reference); lists by shop in id order, by shop and status/carrier in id order, by shop and updated time
(then id), one index per sort so keyset pages never sort; events by package in time order; expiry by status.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from parceltrail.store.types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

shops = Table(
    "shops",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    # Migration 0021: a rolled key keeps working until this time (its grace period), then stops.
    Column("expires_at", UTCDateTime(), nullable=True),
    Index(None, "shop_id", "id"),
)

packages = Table(
    "packages",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("tracking_number", String(64), nullable=False),
    Column("carrier", String(32), nullable=True),
    # NULL never equals NULL in a unique index, so "carrier unknown" is stored as '' here.
    Column("carrier_key", String(32), nullable=False),
    Column("order_ref", String(128), nullable=True),
    Column("dest_postal_code", String(16), nullable=True),
    Column("dest_country", String(2), nullable=True),
    Column("status", String(32), nullable=False),
    Column("substatus", String(32), nullable=False),
    Column("event_count", Integer, nullable=False, default=0),
    Column("newest_key", String(80), nullable=True),
    Column("last_event_at", UTCDateTime(), nullable=True),
    Column("delivered_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    # Live tracking (migration 0002): where the parcel starts and how it ships, for estimates and the
    # sandbox; when to ask the carrier next, who is asking now, and how the last asks went.
    Column("origin_postal_code", String(16), nullable=True),
    Column("origin_country", String(2), nullable=True),
    Column("service", String(32), nullable=True),
    Column("next_check_at", UTCDateTime(), nullable=True),
    Column("claimed_until", UTCDateTime(), nullable=True),
    Column("claim_token", String(32), nullable=True),
    Column("last_checked_at", UTCDateTime(), nullable=True),
    Column("check_failures", Integer, nullable=False, default=0, server_default="0"),
    Column("last_check_error", Text, nullable=True),
    # Migration 0020: tracking stopped (DELETE); the package and its history stay, for evidence.
    Column("stopped_at", UTCDateTime(), nullable=True),
    # Migration 0022: the earliest event dated too far ahead to count yet (core.fold); indexed for the re-fold.
    Column("future_from", UTCDateTime(), nullable=True),
    UniqueConstraint("shop_id", "tracking_number", "carrier_key"),
    Index(None, "shop_id", "id"),
    Index(None, "shop_id", "status", "id"),
    Index(None, "shop_id", "carrier", "id"),
    Index(None, "shop_id", "updated_at", "id"),
    Index(None, "shop_id", "order_ref"),
    Index(None, "future_from"),
    Index(None, "status", "last_event_at"),
    Index(None, "next_check_at"),
    Index(None, "carrier_key", "tracking_number"),
    Index(None, "tracking_number"),  # the buyer page looks a number up in every shop (store/buyers.py)
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("occurred_at", UTCDateTime(), nullable=False),
    Column("status", String(32), nullable=False),
    Column("substatus", String(32), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("carrier_code", String(64), nullable=True),
    Column("city", String(128), nullable=True),
    Column("region", String(64), nullable=True),
    Column("postal_code", String(16), nullable=True),
    Column("country", String(2), nullable=True),
    Column("source", String(16), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("time_basis", String(24), nullable=False, default="exact", server_default="exact"),
    Column("unknown_code", Boolean, nullable=False, default=False, server_default=false()),
    Column("seller_action", Boolean, nullable=False, default=False, server_default=false()),
    UniqueConstraint("package_id", "fingerprint"),
    Index(None, "package_id", "occurred_at"),
)

estimates = Table(
    "estimates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("package_id", String(32), ForeignKey("packages.id", ondelete="CASCADE"), nullable=False),
    Column("revised_at", UTCDateTime(), nullable=False),
    Column("earliest", Date, nullable=False),
    Column("likely", Date, nullable=False),
    Column("latest", Date, nullable=False),
    Column("promise", Date, nullable=False),
    Column("confidence", String(16), nullable=False),
    Column("source", String(32), nullable=False),
    Column("moment", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Index(None, "package_id", "revised_at"),
)

hook_inbox = Table(
    "hook_inbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("carrier", String(32), nullable=False),
    # The carrier's own delivery id when it sends one: a redelivery of the same webhook is stored once.
    Column("delivery_id", String(128), nullable=True),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("state", String(16), nullable=False),  # pending | done | failed
    Column("attempts", Integer, nullable=False, default=0, server_default="0"),
    Column("processed_at", UTCDateTime(), nullable=True),
    Column("error", Text, nullable=True),
    UniqueConstraint("carrier", "delivery_id"),
    Index(None, "state", "id"),
)

carrier_accounts = Table(
    "carrier_accounts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), nullable=False),
    Column("carrier", String(32), nullable=False),
    # Exactly one of: the credentials encrypted with PARCELTRAIL_SECRET_KEY, or the name of an
    # environment variable that holds them (so secrets can stay in the deployment's secret store).
    Column("ciphertext", Text, nullable=True),
    Column("env_ref", String(128), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("shop_id", "carrier"),
)

shop_models = Table(
    "shop_models",
    metadata,
    # One current model per shop: the versioned JSON of parceltrail.eta.Model (no pickle), in the
    # database rather than on disk so every API and worker process uses the same one.
    Column("shop_id", String(32), ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    Column("trained_at", UTCDateTime(), nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("body", Text, nullable=False),
    # the lane and seller summaries inside ``body`` are re-read daily without retraining the trees
    Column("history_as_of", UTCDateTime(), nullable=True),
)
