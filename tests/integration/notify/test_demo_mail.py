"""The demo's notifications: buyers on a share of its parcels, an ops recipient, a mail catcher the
demo starts, and a page that shows what was sent."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from parceltrail.core import TrackingEvent
from parceltrail.demo import DemoConfig, start_demo
from parceltrail.demo_mail import create_mail_app
from parceltrail.services import record_scans
from parceltrail.services.clock import WallClock, set_clock
from parceltrail.services.planner import plan_due
from parceltrail.services.recipients import RecipientInput, set_package_recipient
from parceltrail.store import PackageFilter, UnitOfWork
from parceltrail.worker.notify import build_sender
from tests.conftest import free_port
from tests.integration.notify.conftest import WINDOW


def test_the_demo_emails_its_buyers_through_its_own_mail_catcher(settings, engine, uow):
    demo, configured = start_demo(settings, engine, "127.0.0.1", free_port(),
                                  DemoConfig(first_batch=4, smtp_port=free_port()))
    try:
        assert configured.smtp_url.get_secret_value() == demo.mail.url
        demo.ship_due()
        with uow.read():
            shipped = uow.packages.page(demo.shop_id, PackageFilter(), 10)
            buyers = {p.id: uow.recipients.for_package(p.id) for p in shipped}
            staff = uow.recipients.staff([demo.shop_id])
        with_buyer = [pid for pid, b in buyers.items() if b is not None]
        assert len(shipped) == 4 and len(with_buyer) == 2
        assert [s.digest for s in staff] == ["hourly"]
        package_id = with_buyer[0]
        set_package_recipient(uow, demo.shop_id, package_id, RecipientInput(quiet_hours=None,
                                                                            set_fields={"quiet_hours"}))
        scan = TrackingEvent.create(demo.clock.now(), "out_for_delivery", carrier_code="OFD")
        record_scans(uow, demo.shop_id, {package_id: [scan]}, "api")
        time.sleep(WINDOW.total_seconds() / demo.config.speed + 0.2)  # the coalescing window, on the demo's clock
        sender = build_sender(configured)
        plan_due(UnitOfWork(engine), demo.clock.now(), WINDOW, email=True)
        sender.send_due(UnitOfWork(engine))
        (mail,) = demo.mail.wait_for(1)
        assert mail.subject == "Out for delivery today: your parcel from Demo shop (sandbox carrier)"
        page = TestClient(create_mail_app(demo.mail)).get("/")
        assert page.status_code == 200 and mail.subject in page.text and buyers[package_id].email in page.text
        one = TestClient(create_mail_app(demo.mail)).get("/0")
        assert "Your parcel is out for delivery today." in one.text
    finally:
        demo.mail.stop()
        set_clock(WallClock())
