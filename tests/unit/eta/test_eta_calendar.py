from datetime import date, datetime, timedelta, timezone

from parceltrail.eta import calendar_for
from parceltrail.eta.prior import delivers_saturday


def test_business_days_skip_weekends_and_federal_holidays() -> None:
    us = calendar_for("US", "NY")
    # Wed 3 July 2024 + 1 working day: Thursday is Independence Day, so Friday 5 July
    assert us.add_business_days(date(2024, 7, 3), 1) == date(2024, 7, 5)
    # Fri 5 July + 1 working day skips the weekend
    assert us.add_business_days(date(2024, 7, 5), 1) == date(2024, 7, 8)
    assert us.business_days_between(date(2024, 7, 3), date(2024, 7, 8)) == 2


def test_regional_holiday_only_closes_its_region() -> None:
    # 9 July is a São Paulo state holiday, an ordinary Monday in Rio de Janeiro
    assert not calendar_for("BR", "SP").is_business_day(date(2018, 7, 9))
    assert calendar_for("BR", "RJ").is_business_day(date(2018, 7, 9))


def test_orders_after_cutoff_hour_start_next_working_day() -> None:
    us = calendar_for("US", "NY")
    tz = timezone(timedelta(hours=-4))
    assert us.clock_start(datetime(2024, 7, 2, 9, tzinfo=tz)) == date(2024, 7, 2)
    assert us.clock_start(datetime(2024, 7, 2, 18, tzinfo=tz)) == date(2024, 7, 3)
    # Saturday order starts Monday
    assert us.clock_start(datetime(2024, 7, 6, 9, tzinfo=tz)) == date(2024, 7, 8)


def test_unknown_country_has_only_weekends() -> None:
    cal = calendar_for("ZZ", None)
    assert cal.add_business_days(date(2024, 12, 24), 1) == date(2024, 12, 25)


def test_saturday_is_a_working_day_only_for_services_that_deliver_then() -> None:
    weekdays, with_saturday = calendar_for("US", "NY"), calendar_for("US", "NY", saturday=True)
    # Fri 5 July 2024 + 1: Monday on a weekday calendar, Saturday where the service delivers then
    assert weekdays.add_business_days(date(2024, 7, 5), 1) == date(2024, 7, 8)
    assert with_saturday.add_business_days(date(2024, 7, 5), 1) == date(2024, 7, 6)
    # never a Sunday, never a holiday: Wed 3 July + 1 skips Independence Day
    assert with_saturday.add_business_days(date(2024, 7, 6), 1) == date(2024, 7, 8)
    assert with_saturday.add_business_days(date(2024, 7, 3), 1) == date(2024, 7, 5)
    assert with_saturday.business_days_between(date(2024, 7, 3), date(2024, 7, 8)) == 3
    # a Saturday order after the cut-off starts on Monday; before it, that Saturday
    tz = timezone(timedelta(hours=-4))
    assert with_saturday.clock_start(datetime(2024, 7, 6, 9, tzinfo=tz)) == date(2024, 7, 6)
    assert with_saturday.clock_start(datetime(2024, 7, 6, 18, tzinfo=tz)) == date(2024, 7, 8)
    assert delivers_saturday("usps", "priority") and delivers_saturday("USPS", None)
    assert delivers_saturday("fedex", "FedEx Home Delivery") and not delivers_saturday("fedex", "ground")
    assert not delivers_saturday("ups", "ground") and not delivers_saturday(None, None)
