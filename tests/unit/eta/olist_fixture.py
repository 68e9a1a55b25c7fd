"""A tiny Olist-shaped dataset written as gzipped CSVs: lets tests run the real parser and CLI path."""

from __future__ import annotations

import csv
import gzip
import io
import random
from datetime import datetime, timedelta
from pathlib import Path

from parceltrail.eta.olist import FILES

SELLERS = [("s1", "01001", "SP", -23.55, -46.63), ("s2", "80010", "PR", -25.43, -49.27)]
CUSTOMERS = [("01310", "SP", -23.56, -46.65, 2), ("20040", "RJ", -22.90, -43.18, 4), ("69005", "AM", -3.13, -60.02, 9)]


def _gz(header: list[str], rows: list[list[object]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return gzip.compress(text.getvalue().encode())


def olist_files(n: int = 600, seed: int = 5) -> dict[str, bytes]:
    """Orders from 2017-01 to 2017-10: transit grows with distance; the shop promises ~3 weeks."""
    rng = random.Random(seed)
    orders, customers, items = [], [], []
    for i in range(n):
        seller = SELLERS[i % 2]
        prefix, state, _, _, days = CUSTOMERS[i % 3]
        bought = datetime(2017, 1, 2) + timedelta(days=rng.uniform(0, 300))
        handed = bought + timedelta(days=rng.choice((1, 2, 3)))
        delivered = handed + timedelta(days=days + rng.randint(0, 2))
        estimated = (bought + timedelta(days=21)).replace(hour=0, minute=0, second=0, microsecond=0)
        fmt = "%Y-%m-%d %H:%M:%S"
        status = "delivered" if i % 50 else "canceled"
        orders.append([f"o{i}", f"c{i}", status, bought.strftime(fmt), bought.strftime(fmt), handed.strftime(fmt),
                       delivered.strftime(fmt) if status == "delivered" else "", estimated.strftime(fmt)])
        customers.append([f"c{i}", f"u{i}", prefix, "city", state])
        items.append([f"o{i}", 1, f"p{i % 5}", seller[0], handed.strftime(fmt), 50.0, 10.0 + days])
    return {
        "orders": _gz(["order_id", "customer_id", "order_status", "order_purchase_timestamp", "order_approved_at",
                       "order_delivered_carrier_date", "order_delivered_customer_date",
                       "order_estimated_delivery_date"], orders),
        "customers": _gz(["customer_id", "customer_unique_id", "customer_zip_code_prefix", "customer_city",
                          "customer_state"], customers),
        "items": _gz(["order_id", "order_item_id", "product_id", "seller_id", "shipping_limit_date", "price",
                      "freight_value"], items),
        "sellers": _gz(["seller_id", "seller_zip_code_prefix", "seller_city", "seller_state"],
                       [[s, p, "city", st] for s, p, st, _, _ in SELLERS]),
        "products": _gz(["product_id", "product_category_name", "product_name_lenght", "product_description_lenght",
                         "product_photos_qty", "product_weight_g", "product_length_cm", "product_height_cm",
                         "product_width_cm"], [[f"p{k}", "cat", 10, 100, 1, 300 + k, 10, 10, 10] for k in range(5)]),
        "geolocation": _gz(["geolocation_zip_code_prefix", "geolocation_lat", "geolocation_lng", "n_points",
                            "geolocation_state"],
                           [[p, lat, lon, 3, st] for _, p, st, lat, lon in SELLERS]
                           + [[p, lat, lon, 3, st] for p, st, lat, lon, _ in CUSTOMERS]),
    }


def write_olist(directory: Path, n: int = 600) -> Path:
    for key, data in olist_files(n).items():
        (directory / FILES[key]).write_bytes(data)
    return directory
