"""Issue 26's classes of misreading (and issue 17 items 3, 4 and 6), each on a body of the carrier's real
shape. Every test here failed on main before the published vocabularies became tables."""

from __future__ import annotations

import pytest

from parceltrail.carriers import CARRIERS
from tests.unit.carriers.conftest import FIXTURES
from tests.unit.carriers.test_carriers_vocabulary import dhl_event, fedex_event, fedex_result, outcome, ups_event, usps_event

STREET = "The street number is incorrect. This may delay delivery. We're attempting to update the address."


def test_ups_exception_whose_code_says_the_street_number_is_wrong_is_an_address_issue_to_act_on():
    event = ups_event({"type": "X", "description": STREET, "code": "AE", "statusCode": "013"})
    assert outcome(event) == ("exception", "address_issue", True, False)


@pytest.mark.parametrize("words", ["Pickup Scan ", "  pickup   scan", "PICKUP SCAN"])
def test_ups_pickup_scan_is_a_pickup_whatever_its_spacing_and_case(words):
    assert outcome(ups_event({"type": "I", "description": words, "code": "PU", "statusCode": "005"}))[:2] == (
        "in_transit", "picked_up")


@pytest.mark.parametrize(("code", "expected"), [
    ("PU", "picked_up"), ("DS", "arrived_at_facility"), ("IP", "arrived_destination_country"), ("OR", "picked_up"),
])
def test_ups_in_transit_005_keeps_the_step_its_scan_code_names(code, expected):
    assert outcome(ups_event({"type": "I", "description": "In Transit", "code": code, "statusCode": "005"}))[:2] == (
        "in_transit", expected)


@pytest.mark.parametrize("kind", ["I", "D"])
def test_ups_072_loaded_on_delivery_vehicle_is_out_for_delivery_under_any_activity_type(kind):
    event = ups_event({"type": kind, "description": "Loaded on Delivery Vehicle ", "code": "OF", "statusCode": "072"})
    assert outcome(event)[:2] == ("out_for_delivery", "out_for_delivery")


def test_ups_071_processing_at_a_facility_is_a_facility_step_not_out_for_delivery():
    event = ups_event({"type": "I", "description": "Processing at UPS Facility", "code": "YP", "statusCode": "071"})
    assert outcome(event)[:2] == ("in_transit", "arrived_at_facility")


def test_ups_092_at_the_clearing_agency_is_a_customs_step_of_a_moving_parcel():
    event = ups_event({"type": "X", "description": "The package is at the clearing agency awaiting final release.",
                       "code": "Y1", "statusCode": "092"})
    assert outcome(event) == ("in_transit", "customs_started", False, False)


def test_ups_058_reads_the_carriers_words_documents_missing_or_clearance_under_way():
    missing = ups_event({"type": "X", "code": "29", "statusCode": "058", "description":
                         "UPS initiated contact with receiver or importer for clearance information. "
                         "Once received, UPS will submit for clearance."})
    under_way = ups_event({"type": "X", "code": "Q7", "statusCode": "058", "description":
                           "UPS is preparing your package for clearance."})
    assert outcome(missing) == ("exception", "missing_documents", True, False)
    assert outcome(under_way)[:2] == ("in_transit", "customs_started")


@pytest.mark.parametrize(("code", "status_code", "words", "expected"), [
    ("16", "013", "A mechanical failure has delayed delivery.", ("exception", "carrier_delay")),
    ("7V", "013", "An emergency situation or severe weather condition has delayed delivery.", ("exception", "weather_delay")),
    ("5", "013", "Your package is pending release from a Government Agency.", ("exception", "customs_hold")),
    ("48", "022", "The receiver was not available for delivery.", ("delivery_failed", "recipient_unavailable")),
    ("55", "022", "The receiving business was closed.", ("delivery_failed", "business_closed")),
    ("18", "013", "A late flight has caused a delay.", ("exception", "late_flight")),
])
def test_ups_delay_attempt_and_customs_codes_under_type_x_keep_their_meaning(code, status_code, words, expected):
    assert outcome(ups_event({"type": "X", "description": words, "code": code, "statusCode": status_code}))[:2] == expected


def test_fedex_arriving_early_and_on_time_notices_do_not_undo_out_for_delivery():
    """Issue 17 item 4: AE/AO are estimates (derived IT) posted after the parcel is on the vehicle."""
    result = fedex_result(
        {"date": "2024-08-20T06:47:00-04:00", "eventType": "OD", "eventDescription": "On FedEx vehicle for delivery"},
        {"date": "2024-08-20T07:15:00-04:00", "eventType": "AE", "eventDescription": "Shipment arriving early",
         "derivedStatusCode": "IT"},
        {"date": "2024-08-20T07:16:00-04:00", "eventType": "AO", "eventDescription": "Shipment arriving On-time",
         "derivedStatusCode": "IT"},
    )
    assert (result.status, [e.carrier_code for e in result.events]) == ("out_for_delivery", ["OD", "AE", "AO"])
    assert result.events[-1].description == "Shipment arriving On-time"


def test_fedex_signature_not_required_is_no_signer_and_014_left_at_front_door_is_where_it_was_left():
    result = fedex_result(
        {"date": "2024-02-17T12:34:26-05:00", "eventType": "DL", "eventDescription": "Delivered", "exceptionCode": "014",
         "exceptionDescription": "Left at front door. Signature Service not requested.", "derivedStatusCode": "DL"},
        details={"receivedByName": "Signature not required"},
    )
    assert (result.signed_by, result.substatus) == (None, "left_at_door")


def test_fedex_exception_007_is_customer_not_available_and_the_estimate_beats_the_standard_window():
    result = CARRIERS["fedex"].parse((FIXTURES / "fedex" / "wild" / "sandbox_customer_not_available_007.json").read_bytes())
    assert (result.status, result.substatus) == ("delivery_failed", "recipient_unavailable")
    assert result.estimated_delivery.to_dict() == {"earliest": "2023-12-31T00:00:00-06:00",
                                                   "latest": "2023-12-31T00:00:00-06:00"}


@pytest.mark.parametrize(("kind", "code", "words"), [
    ("DE", "A13", "Redirecting to FedEx Office"),
    ("DE", "A47", "Redirected to FedEx location"),
    ("HA", "A13", "Shipment is being redirected as requested to FedEx Office"),
    ("RR", "A12", "Hold at location requested"),
])
def test_fedex_redirects_and_hold_requests_to_a_fedex_location_are_not_failed_attempts(kind, code, words):
    event = fedex_event({"eventType": kind, "eventDescription": "Delivery exception", "exceptionCode": code,
                         "exceptionDescription": words, "derivedStatusCode": "DE"})
    assert outcome(event)[:2] == ("in_transit", "forwarded")


@pytest.mark.parametrize("code", ["52", "56", "02"])
def test_usps_notice_left_no_authorized_recipient_is_recipient_unavailable_whatever_the_code(code):
    """Issue 26: it came out as "no secure location"; USPS's words name the reason."""
    event = usps_event({"eventCode": code, "eventType": "Notice Left (No Authorized Recipient Available)"})
    assert outcome(event)[:2] == ("delivery_failed", "recipient_unavailable")


def test_usps_55_in_usps_own_example_is_no_secure_location():
    result = CARRIERS["usps"].parse((FIXTURES / "usps" / "wild" / "birmingham_pre_shipment_without_gmt.json").read_bytes())
    assert (result.status, result.substatus) == ("delivery_failed", "no_secure_location")


def test_dhl_clearance_delay_on_hold_is_a_customs_hold_not_progress():
    event = dhl_event({"description": "Clearance delay, the shipment is on hold", "statusCode": "transit"})
    assert outcome(event)[:2] == ("exception", "customs_hold")


@pytest.mark.parametrize("words", ["Shipment is out with courier for delivery", "shipment is out with  courier for delivery "])
def test_dhl_out_with_courier_for_delivery_is_out_for_delivery(words):
    assert outcome(dhl_event({"description": words, "statusCode": "transit"}))[:2] == ("out_for_delivery", "out_for_delivery")


def test_dhl_parcel_de_german_texts_read_as_the_journey_they_describe():
    result = CARRIERS["dhl"].parse((FIXTURES / "dhl" / "wild" / "parcel_de_delivered_zone_less.json").read_bytes())
    assert [str(e.substatus) for e in result.events] == [
        "picked_up", "label_created", "arrived_at_facility", "arrived_at_facility", "arrived_at_facility",
        "arrived_at_facility", "arrived_at_facility", "carrier_delay", "out_for_delivery", "delivered"]


def test_tiktok_collected_by_our_carrier_is_the_first_carrier_scan():
    """Issue 17 item 6: a real Get Tracking answer; the pickup is the handoff, not an unknown update."""
    from parceltrail.core import NOT_A_HANDOFF

    result = CARRIERS["tiktok"].parse((FIXTURES / "tiktok" / "wild" / "get_tracking_collected_by_our_carrier.json").read_bytes())
    assert [(str(e.status), str(e.substatus)) for e in result.events] == [
        ("info_received", "label_created"), ("in_transit", "picked_up"), ("delivered", "delivered")]
    assert result.unmapped == ()
    handoff = next(e for e in result.events if e.status not in NOT_A_HANDOFF)
    assert handoff.description == "Your package has been collected by our carrier."
