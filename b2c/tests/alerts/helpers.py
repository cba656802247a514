import datetime as dt
from decimal import Decimal

from b2c.models import PriceAlert
from b2c.services.alerts import price_alert_create
from core.testing.inventory import airport, flight_with_fare

NOW = "2030-03-01 08:00:00"
DAY = dt.date(2030, 3, 10)
DEPARTURE = dt.datetime(2030, 3, 10, 6, 0, tzinfo=dt.UTC)  # 10:00 in Dubai


def route():
    """DXB and LHR exist (the alert refuses unknown airports)."""
    return airport("DXB"), airport("LHR")


def fare(base="400.00", taxes="100.00", departure=DEPARTURE, number=1, **kwargs):
    return flight_with_fare(
        "DXB", "LHR", departure, base=base, taxes=taxes, number=number, **kwargs
    )


def alert_for(customer, *, target="450.00", **kwargs) -> PriceAlert:
    route()
    values = {
        "customer": customer, "origin": "DXB", "destination": "LHR", "date_from": DAY,
        "date_to": DAY, "cabin": "economy", "adults": 1, "children": 0, "infants": 0,
        "currency": "USD", "target_price": Decimal(target) if target else None,
        "language": "en",
    } | kwargs  # fmt: skip
    return price_alert_create(**values)


def set_price(fare_row, total: str, taxes: str = "100.00"):
    """The fare now costs `total` per adult (base + taxes)."""
    fare_row.base_fare = Decimal(total) - Decimal(taxes)
    fare_row.taxes = Decimal(taxes)
    fare_row.save()
