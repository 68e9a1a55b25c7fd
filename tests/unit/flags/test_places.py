"""Where a scan that names only a city or a state is, and the published days of the services journeys use."""

from __future__ import annotations

from parceltrail.core import Location
from parceltrail.core.flags import Point
from parceltrail.core.flags.timeline import km
from parceltrail.eta import CarrierStandards, Place
from parceltrail.eta.prior import delivers_saturday
from parceltrail.geo import us_place, us_zip
from parceltrail.services.flag_inputs import locate


def test_a_city_is_where_most_of_its_zips_are_not_its_po_boxes():
    indianapolis = us_place(None, "indianapolis", "IN")
    downtown = us_zip("46204")
    assert indianapolis is not None and downtown is not None
    assert km(Point(indianapolis.lat, indianapolis.lon), Point(downtown.lat, downtown.lon)) < 15
    assert us_zip("46245") is None  # a PO box ZIP without coordinates is not placed at 0, 0


def test_zip_then_city_then_state():
    assert us_place("10001", "Nowhere", "CA").state == "NY"
    assert us_place(None, "Nowhere", "CA").state == "CA"
    assert us_place(None, None, None) is None
    assert locate(Location(city="Paris", country="FR")) is None


def test_published_days_of_air_and_dhl_ecommerce():
    near, far = Place("US", postal_code="10001", lat=40.75, lon=-73.99), Place("US", lat=34.05, lon=-118.24)
    standards = CarrierStandards()
    assert standards.transit_quantiles("ups", "2nd_day_air", near, far) == ([2.0, 2.0, 3.0, 4.0], True)
    assert standards.transit_quantiles("fedex", "2Day", near, far)[1]
    assert standards.transit_quantiles("dhl", "ecommerce", near, far) == ([5.0, 6.5, 9.0, 10.0], True)
    assert delivers_saturday("dhl", "ecommerce") and not delivers_saturday("ups", "2nd_day_air")
