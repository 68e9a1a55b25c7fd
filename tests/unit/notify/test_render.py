"""Messages in words: the status in plain language, the window and times in the recipient's zone and
locale, the tracking link, the unsubscribe link; English and Spanish from the same templates."""

from __future__ import annotations

from parceltrail.notify.render import locale_of, render

LINKS = {"track": "https://t.example/track/1Z999AA10123456784", "unsubscribe": "https://t.example/unsubscribe/tok",
         "dashboard": "https://t.example/app"}


def payload(kind: str, status: str, substatus: str, locale: str = "en", **package) -> dict:
    base = {"id": "pkg_1", "tracking_number": "1Z999AA10123456784", "carrier": "ups", "status": status,
            "substatus": substatus, "delivered_at": None,
            "estimated_delivery": {"earliest": "2026-11-26", "likely": "2026-11-27", "latest": "2026-11-30",
                                   "promise": "2026-12-01"}}
    scan = {"occurred_at": "2026-11-25T03:30:00Z", "status": status, "substatus": substatus,
            "description": "Departed FedEx hub", "location": {"city": "Memphis", "region": "TN", "country": "US"}}
    return {"kind": kind, "shop": "Acme Socks", "locale": locale, "zone": "America/Chicago", "name": "Ana",
            "audience": "buyer", "data": {"package": {**base, **package}, "scan": scan,
                                          "previous": {"status": "info_received", "substatus": "label_created"}}}


def test_an_email_says_the_status_the_window_and_links_in_english():
    words = render("email", payload("shipped", "in_transit", "departed_facility"), LINKS)
    assert words.subject == "Your parcel from Acme Socks is on its way"
    assert "Your parcel is on its way." in words.html
    assert "Expected Thursday, November 26 to Monday, November 30, most likely Friday, November 27." in words.html
    # 03:30 UTC is 21:30 the evening before in Chicago
    assert "Latest scan: Departed FedEx hub, Memphis, TN, Nov 24 9:30 PM." in words.html
    assert f'>{LINKS["track"]}</a>' in words.html  # the URL is spelled out for text-only readers
    assert LINKS["unsubscribe"] in words.html and 'lang="en"' in words.html


def test_the_same_message_in_spanish_comes_from_the_same_template():
    words = render("email", payload("shipped", "in_transit", "departed_facility", "es-MX"), LINKS)
    assert words.subject == "Tu paquete de Acme Socks está en camino"
    assert "Tu paquete está en camino." in words.html
    assert "Llegada prevista entre el jueves 26 de noviembre y el lunes 30 de noviembre" in words.html
    assert "24 nov 21:30" in words.html and 'lang="es"' in words.html


def test_delivered_says_when_in_the_recipients_zone_without_a_window():
    words = render("email", payload("delivered", "delivered", "left_at_door",
                                    delivered_at="2026-11-27T01:15:00Z"), LINKS)
    assert "Your parcel is delivered, left at your door." in words.html
    assert "Delivered Thursday, November 26 at 7:15 PM." in words.html
    assert "Expected" not in words.html


def test_an_sms_is_one_short_text_with_the_link_and_a_stop_link():
    words = render("sms", payload("out_for_delivery", "out_for_delivery", "out_for_delivery"), LINKS)
    assert words.html is None
    assert words.text.startswith("Acme Socks: Your parcel is out for delivery today.")
    assert LINKS["track"] in words.text and LINKS["unsubscribe"] in words.text and len(words.text) < 200


def test_html_in_names_is_escaped():
    data = payload("delivered", "delivered", "delivered")
    data["shop"] = "<script>x</script>"
    words = render("email", data, LINKS)
    assert "<script>x</script>" not in words.html and "&lt;script&gt;" in words.html


def test_a_digest_lists_parcels_in_the_staff_members_words():
    items = [{"tracking_number": "1Z1", "carrier": "ups", "status": "exception", "substatus": "address_issue",
              "since": "2026-11-24T10:00:00Z", "track": "https://t.example/track/1Z1"}]
    data = {"kind": "exception_digest", "shop": "Acme Socks", "locale": "en", "zone": "UTC", "items": items,
            "total": 3}
    words = render("email", data, {**LINKS, "unsubscribe": ""})
    assert words.subject == "3 parcels need attention at Acme Socks"
    assert "1Z1 (UPS): held up: the carrier reported a problem (there is a problem with the address) since Nov 24" \
        in words.html
    assert "and 2 more" in words.html and "https://t.example/app" in words.html


def test_unknown_locales_fall_back_to_english():
    assert (locale_of("es-MX"), locale_of("ES"), locale_of("fr"), locale_of(None)) == ("es", "es", "en", "en")
