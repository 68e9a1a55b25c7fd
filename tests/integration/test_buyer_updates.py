"""The buyer asks for a parcel's news from the tracking page over real HTTP, on SQLite and PostgreSQL: only
once proved by the ZIP, only while the parcel is on its way, one confirmation per address and day
(notifications' double opt-in), a wrong address refused naming the field in the page's language, and
nothing offered when the server cannot send or sign."""

from __future__ import annotations

import html

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from parceltrail.services.recipients import RecipientInput, set_package_recipient
from parceltrail.store import UnitOfWork
from parceltrail.store.notifications import notifications
from tests.conftest import LiveServer
from tests.integration.test_buyer_page import csrf_of, open_page
from tests.parcels import DELIVERED, DEST_ZIP, LATE, make_parcels

KEY = SecretStr("a test key that is long enough to use")
SMTP = SecretStr("smtp://127.0.0.1:9")  # nothing is sent here: the tests read the outbox


def serve(settings, engine, **changes):
    from parceltrail.api import create_app

    return LiveServer(create_app(settings.model_copy(update=changes), engine))


@pytest.fixture
def mailing_api(settings, engine):
    with serve(settings, engine, secret_key=KEY, smtp_url=SMTP) as server:
        yield server


def proved(client: httpx.Client, number: str = LATE, **params) -> str:
    """Prove the ZIP; the CSRF token of the page that follows."""
    token = csrf_of(open_page(client, number, **params).text)
    client.post(f"/track/{number}/verify", params=params, data={"postal_code": DEST_ZIP, "csrf_token": token})
    return csrf_of(open_page(client, number, **params).text)


def ask(client, token, channel="email", address="ana@example.com", number=LATE, **params) -> httpx.Response:
    return client.post(f"/track/{number}/updates", params=params,
                       data={"channel": channel, "address": address, "csrf_token": token})


def confirmations(engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(notifications.c.kind, notifications.c.target, notifications.c.package_id)).all()
    return [(r.target, r.package_id) for r in rows if r.kind == "opt_in_confirm"]


def test_only_a_proved_buyer_sees_the_form_and_one_confirmation_goes_out(mailing_api, engine):
    parcels = make_parcels(engine)
    with httpx.Client(base_url=mailing_api.url) as client:
        page = open_page(client, LATE)
        assert "Get news of this parcel" not in page.text
        early = ask(client, csrf_of(page.text))
        assert early.status_code == 403 and "Enter the delivery ZIP code first" in early.text
        token = proved(client)
        form = open_page(client, LATE).text
        assert "Get news of this parcel" in form and 'type="email"' in form and 'value="sms"' not in form
        bad = ask(client, token, address="ana at example")
        assert bad.status_code == 422
        assert "E-mail address: that isn&#39;t an e-mail address" in bad.text
        assert 'aria-invalid="true"' in bad.text and 'value="ana at example"' in bad.text  # kept to correct
        sent = ask(client, token)
        assert sent.status_code == 200 and "We sent a link to ana@example.com" in sent.text
        again = ask(client, token, address="ANA@example.com")
        assert again.status_code == 200 and "A link already went to ANA@example.com today" in again.text
        no_sms = ask(client, token, channel="sms", address="+13035550100")
        assert no_sms.status_code == 422 and "doesn&#39;t send parcel news that way" in no_sms.text
        assert "Get news of this parcel" not in open_page(client, DELIVERED).text  # nothing left to tell
    assert confirmations(engine) == [("ana@example.com", parcels.ids["late"])]


def test_the_second_locale_covers_the_form_and_its_errors(mailing_api, engine):
    make_parcels(engine)
    with httpx.Client(base_url=mailing_api.url) as client:
        token = proved(client, lang="es")
        page = html.unescape(open_page(client, LATE, lang="es").text)
        assert "Recibe avisos de este paquete" in page and "Avísame por correo" in page
        assert f'action="/track/{LATE}/updates?lang=es#updates"' in page
        bad = ask(client, token, address="ana@", lang="es")
        assert bad.status_code == 422
        assert "Correo electrónico: eso no es una dirección de correo" in html.unescape(bad.text)
        sent = ask(client, token, lang="es")
        assert "Enviamos un enlace a ana@example.com" in html.unescape(sent.text)


def test_an_address_the_seller_gave_is_not_replaced_from_the_page(mailing_api, engine):
    parcels = make_parcels(engine)
    set_package_recipient(UnitOfWork(engine), parcels.shop_id, parcels.ids["late"],
                          RecipientInput(email="buyer@example.com", set_fields={"email"}))
    with httpx.Client(base_url=mailing_api.url) as client:
        taken = ask(client, proved(client), address="someone@example.com")
        assert taken.status_code == 409
        assert "already sends this parcel&#39;s news to the buyer&#39;s own address" in taken.text
        same = ask(client, proved(client), address="Buyer@Example.com")
        assert "already gets this parcel" in html.unescape(same.text)
    assert confirmations(engine) == []


@pytest.mark.parametrize("changes", [{"secret_key": KEY}, {"smtp_url": SMTP}], ids=["no-smtp", "no-secret-key"])
def test_a_server_that_cannot_send_or_sign_offers_nothing(settings, engine, changes):
    make_parcels(engine)
    with serve(settings, engine, **changes) as server, httpx.Client(base_url=server.url) as client:
        token = proved(client)
        assert "Get news of this parcel" not in open_page(client, LATE).text
        refused = ask(client, token)
    assert refused.status_code == 422
    assert confirmations(engine) == []
