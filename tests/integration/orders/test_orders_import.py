"""Seller Center's order export: good rows in, bad rows reported by row and column, nothing
half-imported, a second import changes nothing; through the CLI (with its progress bar) and the API."""

from __future__ import annotations

import json
import httpx

from parceltrail.core.orders import OrderStatus
from parceltrail.services import create_shop
from parceltrail.services.orders_import import import_orders_csv

# The column row of a real Seller Center export (MY, found in public code: see tests/fixtures/tiktok_shop),
# with the US export's Zipcode and City columns.
HEADER = ("Order ID,Order Status,Order Substatus,SKU ID,Seller SKU,Product Name,Variation,Quantity,Created Time,"
          "Paid Time,Tracking ID,Delivery Option,Shipping Provider Name,Package ID,Buyer Username,Recipient,"
          "Phone #,Zipcode,Country,State,City,Address Line 1,Address Line 2,Payment Method")
DESCRIPTION = ("Platform unique order ID.,Current order status.,Order substatus.,Platform SKU ID.,Seller SKU.,"
               "Product name.,Variation.,Quantity.,Order creation time.,Payment time.,Tracking number.,"
               "Delivery option.,Carrier.,Package ID.,Buyer.,Recipient.,Phone.,Zipcode.,Country.,State.,City.,"
               "Address line 1.,Address line 2.,Payment method.")


def row(order_id, status="Shipped", sub="In transit", tracking="1Z5R89390357567127", provider="UPS",
        created="11/20/2026 9:03:57 AM", quantity="1", package="1152321127278713123", sku="1729"):
    return (f"\t{order_id},{status},{sub},{sku},red_256,Crochet top,Red,{quantity},{created},11/20/2026 9:04:31 AM,"
            f"{tracking},Standard shipping,{provider},{package},z***y,Zay S.,(+1)213***34,95110,United States,"
            "California,San Jose,1199 Coleman Ave,,Credit card")


def export(*rows: str) -> str:
    return "\n".join([HEADER, DESCRIPTION, *rows]) + "\n"


GOOD_AND_BAD = export(
    row("576461413038785752"),
    row("576461413038785752", sku="1730", quantity="2"),            # a second item of the same order
    row("576461413038785753", status="To ship", sub="Awaiting shipment", tracking="", package=""),
    row("576461413038785754", created="13/45/2026 9:03:57 AM"),     # row 6: bad Created Time
    row("576461413038785755", quantity="two"),                     # row 7: bad Quantity ...
    row("576461413038785755", sku="1731"),                         # ... so its good row 8 stays out too
    row("5764614130387857XX"),                                     # row 9: bad Order ID
    row("576461413038785756", status="Lost in space", sub=""),     # row 10: bad status
    row("576461413038785757", status="Cancelled", sub="", tracking="", package=""),
)


def test_good_rows_in_bad_rows_reported_and_a_second_import_changes_nothing(uow):
    shop = create_shop(uow, "CSV").shop
    report = import_orders_csv(uow, shop.id, GOOD_AND_BAD.splitlines(True))
    assert report.rows == 9 and report.orders_created == 3 and report.packages_created == 1
    assert [(e.row, e.column) for e in report.row_errors] == [
        (6, "Created Time"), (7, "Quantity"), (9, "Order ID"), (10, "Order Status")]
    with uow:
        first = uow.orders.get(shop.id, "576461413038785752")
        assert uow.orders.get(shop.id, "576461413038785755") is None
        assert uow.orders.get(shop.id, "576461413038785753").order.status is OrderStatus.AWAITING_SHIPMENT
    assert first.order.status is OrderStatus.IN_TRANSIT and len(first.order.line_items) == 2
    assert first.order.created_at.isoformat() == "2026-11-20T09:03:57+00:00"
    assert first.order.buyer.address.postal_code == "95110" and first.order.packages[0].carrier == "ups"
    again = import_orders_csv(uow, shop.id, GOOD_AND_BAD.splitlines(True))
    assert (again.orders_created, again.orders_updated, again.packages_created) == (0, 0, 0)


def test_24_hour_exports_are_day_first_and_a_zone_can_be_given(uow):
    shop = create_shop(uow, "MY").shop
    text = export(row("584697260225955022", created="05/06/2026 13:03:57"))
    import_orders_csv(uow, shop.id, text.splitlines(True), tz="Asia/Kuala_Lumpur")
    with uow:
        order = uow.orders.get(shop.id, "584697260225955022").order
    assert order.created_at.isoformat() == "2026-06-05T05:03:57+00:00"


def test_the_cli_imports_with_a_progress_bar_and_reports_rows(database_url, engine, tmp_path, cli):
    env = {"PARCELTRAIL_DATABASE_URL": database_url}
    shop = json.loads(cli(env, "shop", "create", "CLI", "--json")[1])["shop_id"]
    path = tmp_path / "orders.csv"
    path.write_text(GOOD_AND_BAD)
    code, out, _ = cli(env, "orders", "import", str(path), "--shop", shop, "--json")
    data = json.loads(out)
    assert code == 1 and data["orders_created"] == 3
    assert {"row": 9, "column": "Order ID"}.items() <= data["errors"][2].items()
    code, out, err = cli(env, "orders", "import", str(path), "--shop", shop)
    assert "0 orders created, 0 updated" in out and "row 6, Created Time" in err
    assert cli(env, "orders", "import", "nope.csv", "--shop", shop)[2] == "error: nope.csv: no such file\n"


def test_the_api_imports_a_posted_export(uow, api):
    new = create_shop(uow, "API CSV")
    headers = {"Authorization": f"Bearer {new.api_key}", "Content-Type": "text/csv"}
    answer = httpx.post(f"{api.url}/v1/orders/import", content=GOOD_AND_BAD.encode(), headers=headers).json()
    assert answer["orders_created"] == 3 and len(answer["errors"]) == 4
    refused = httpx.post(f"{api.url}/v1/orders/import", content=b"name,price\nx,1\n", headers=headers)
    assert refused.status_code == 422 and "Order ID" in refused.json()["detail"]
