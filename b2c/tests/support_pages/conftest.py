"""The help-desk pages: private storage in a temporary folder, staff, a booking, tickets."""

import datetime as dt
import itertools

from b2c.models import SupportTicket
from b2c.services.support import ticket_open
from b2c.tests.support.conftest import (  # noqa: F401 - fixtures and helpers
    pdf_upload,
    png_upload,
    staff,
    storage_dirs,
    stored_files,
)
from b2c.tests.trips.helpers import flight_booking

DEPARTURE = dt.datetime(2030, 3, 10, 8, 0, tzinfo=dt.UTC)


_flight_numbers = itertools.count(100)


def a_booking(customer):
    """A confirmed booking of a Dubai → London flight on 10 March 2030."""
    return flight_booking(customer, [("DXB", "LHR", DEPARTURE, next(_flight_numbers))])


def open_ticket(customer, **kwargs):
    values = {
        "customer": customer,
        "subject": "Seat on my flight",
        "category": SupportTicket.Category.BOOKING,
        "body": "I would like an aisle seat.",
    }
    values.update(kwargs)
    return ticket_open(**values)
