"""The anchor for bench/load.py: a bare FastAPI app doing the same queries as parceltrail on the same database.

What a competent hand-written service would do per request, and nothing more (JSON dumped straight
from the rows): the key's hash looked up; the package, its newest 100 events, its estimates, its
warnings, open flags and orders, and the shop's account for its carrier read (what parceltrail's
answer carries); a page of 50 packages, newest first, with their current estimates and warnings and the
shop's account for their carrier; new events inserted (``ON CONFLICT DO NOTHING``) and the package's count
bumped in one transaction; a push's HMAC checked and its body stored. Plain dicts out, no response
models, no fold, no estimates revised. Run by bench/load.py:

    python bench/load_anchor.py --port 8123 --database-url sqlite:///x.db
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import uvicorn
from fastapi import FastAPI, HTTPException, Request, Response
from sqlalchemy import text

from parceltrail.store import make_engine

INSERT_EVENT = text(
    "INSERT INTO events (package_id, fingerprint, occurred_at, status, substatus, description, carrier_code,"
    " city, region, postal_code, country, source, recorded_at) VALUES (:package_id, :fingerprint, :occurred_at,"
    " :status, :substatus, :description, :carrier_code, :city, :region, :postal_code, :country, 'api', :now)"
    " ON CONFLICT (package_id, fingerprint) DO NOTHING")


def dumped(value) -> Response:
    """JSON straight from the rows: FastAPI's jsonable_encoder would cost more than the queries."""
    return Response(json.dumps(value, default=str, separators=(",", ":")), media_type="application/json")


def create_anchor(database_url: str, hook_secret: str) -> FastAPI:
    engine = make_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    app = FastAPI()
    key = base64.b64decode(hook_secret.removeprefix("whsec_"))

    def stamp(value: datetime) -> object:
        return value.astimezone(UTC).replace(tzinfo=None) if sqlite else value

    def shop_of(connection, request: Request) -> str:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        row = connection.execute(text("SELECT shop_id FROM api_keys WHERE key_hash = :h AND revoked_at IS NULL"),
                                 {"h": hashlib.sha256(token.encode()).hexdigest()}).first()
        if row is None:
            raise HTTPException(401)
        return row.shop_id

    def of_packages(connection, sql: str, ids: list[str]) -> list:
        """Rows of ``sql`` (its ``{ids}`` an IN list) for these packages."""
        if not ids:
            return []
        marks = ", ".join(f":p{i}" for i in range(len(ids)))
        return connection.execute(text(sql.format(ids=marks)), {f"p{i}": pid for i, pid in enumerate(ids)}).all()

    def current_estimates(connection, ids: list[str]) -> dict[str, dict]:
        rows = of_packages(connection, "SELECT * FROM estimates WHERE id IN (SELECT max(id) FROM estimates"
                                       " WHERE package_id IN ({ids}) GROUP BY package_id)", ids)
        return {r.package_id: dict(r._mapping) for r in rows if r.moment != "withheld"}

    def warnings(connection, ids: list[str]) -> dict[str, list]:
        out: dict[str, list] = {pid: [] for pid in ids}
        for r in of_packages(connection, "SELECT package_id, code, message FROM package_warnings"
                                         " WHERE package_id IN ({ids}) ORDER BY package_id, id", ids):
            out[r.package_id].append({"code": r.code, "message": r.message})
        return out

    def account(connection, shop: str, carrier: str) -> dict | None:
        row = connection.execute(text("SELECT * FROM carrier_accounts WHERE shop_id = :s AND carrier = :c"),
                                 {"s": shop, "c": carrier}).first()
        return {"connected": True} if row else None

    @app.get("/v1/packages/{package_id}")
    def package(package_id: str, request: Request):
        with engine.connect() as c:
            shop = shop_of(c, request)
            row = c.execute(text("SELECT * FROM packages WHERE id = :id AND shop_id = :s"),
                            {"id": package_id, "s": shop}).first()
            if row is None:
                raise HTTPException(404)
            events = c.execute(text("SELECT * FROM events WHERE package_id = :id ORDER BY occurred_at DESC, id DESC"
                                    " LIMIT 101"), {"id": package_id}).all()
            history = c.execute(text("SELECT * FROM estimates WHERE package_id = :id AND moment != 'withheld'"
                                     " ORDER BY id"), {"id": package_id}).all()
            found = warnings(c, [package_id])[package_id]
            followed = account(c, shop, row.carrier)
            flags = c.execute(text("SELECT * FROM flags WHERE package_id = :id AND closed_at IS NULL ORDER BY id"),
                              {"id": package_id}).all()
            current = current_estimates(c, [package_id]).get(package_id)
            orders = c.execute(text("SELECT o.external_id FROM order_packages p JOIN orders o ON o.id = p.order_id"
                                    " WHERE p.package_id = :id"), {"id": package_id}).all()
        return dumped({**dict(row._mapping), "events": [dict(e._mapping) for e in events[:100][::-1]],
                       "estimate_history": [dict(h._mapping) for h in history], "warnings": found,
                       "account": followed, "flags": [dict(f._mapping) for f in flags], "estimated_delivery": current,
                       "order_ids": [o.external_id for o in orders]})

    @app.get("/v1/packages")
    def packages(request: Request, limit: int = 50):
        with engine.connect() as c:
            shop = shop_of(c, request)
            rows = c.execute(text("SELECT * FROM packages WHERE shop_id = :s AND stopped_at IS NULL"
                                  " ORDER BY id DESC LIMIT :n"), {"s": shop, "n": limit + 1}).all()
            ids = [r.id for r in rows[:limit]]
            estimates = current_estimates(c, ids)
            found = warnings(c, ids)
            accounts = {carrier: account(c, shop, carrier) for carrier in {r.carrier for r in rows[:limit]} if carrier}
        return dumped({"items": [{**dict(r._mapping), "estimated_delivery": estimates.get(r.id),
                                  "warnings": found[r.id], "account": accounts.get(r.carrier)} for r in rows[:limit]],
                       "next_cursor": rows[limit].id if len(rows) > limit else None})

    @app.post("/v1/packages/{package_id}/events")
    async def post_events(package_id: str, request: Request):
        body = await request.json()
        now = datetime.now(UTC)
        rows = []
        for e in body["events"]:
            loc = e.get("location") or {}
            at = datetime.fromisoformat(e["occurred_at"])
            fp = hashlib.sha256(f"{at.isoformat()}|{e.get('carrier_code')}|{e.get('substatus')}".encode()).hexdigest()
            rows.append({"package_id": package_id, "fingerprint": fp[:32], "occurred_at": stamp(at),
                         "status": e["status"], "substatus": e.get("substatus") or e["status"],
                         "description": e.get("description", ""), "carrier_code": e.get("carrier_code"),
                         "city": loc.get("city"), "region": loc.get("region"), "postal_code": loc.get("postal_code"),
                         "country": loc.get("country"), "now": stamp(now)})
        return write_events(request, package_id, rows, now)

    def write_events(request: Request, package_id: str, rows: list[dict], now: datetime) -> dict:
        with engine.connect().execution_options(sqlite_immediate=True) as c, c.begin():
            shop = shop_of(c, request)
            if c.execute(text("SELECT id FROM packages WHERE id = :id AND shop_id = :s"),
                         {"id": package_id, "s": shop}).first() is None:
                raise HTTPException(404)
            added = sum(c.execute(INSERT_EVENT, row).rowcount for row in rows)
            c.execute(text("UPDATE packages SET event_count = event_count + :n, updated_at = :now WHERE id = :id"),
                      {"n": added, "now": stamp(now), "id": package_id})
        return {"accepted": added, "duplicates": len(rows) - added}

    @app.post("/v1/hooks/{carrier}", status_code=202)
    async def hook(carrier: str, request: Request):
        body = await request.body()
        delivery, stamp_text = request.headers["webhook-id"], request.headers["webhook-timestamp"]
        expected = base64.b64encode(hmac.new(key, f"{delivery}.{stamp_text}.".encode() + body,
                                             hashlib.sha256).digest()).decode()
        if not any(hmac.compare_digest("v1," + expected, s) for s in request.headers["webhook-signature"].split()):
            raise HTTPException(401)
        with engine.connect().execution_options(sqlite_immediate=True) as c, c.begin():
            row = c.execute(text(
                "INSERT INTO hook_inbox (carrier, delivery_id, received_at, body, state, attempts)"
                " VALUES (:c, :d, :at, :b, 'pending', 0) ON CONFLICT (carrier, delivery_id) DO NOTHING RETURNING id"),
                {"c": carrier, "d": delivery, "at": stamp(datetime.now(UTC)), "b": body}).first()
        return {"accepted": True, "id": row.id if row else None, "duplicate": row is None}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--hook-secret", required=True)
    args = parser.parse_args()
    uvicorn.run(create_anchor(args.database_url, args.hook_secret), host="127.0.0.1", port=args.port,
                log_level="warning")
