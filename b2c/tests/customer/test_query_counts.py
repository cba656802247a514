"""Pages and API lists cost the same number of queries however much a customer has saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from b2c.services.customer import frequent_flyer_number_add
from core.testing.factories import TravelCompanionFactory


def queries_for(client, url, method="get"):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_companions(customer, airline, count):
    for _ in range(count):
        companion = TravelCompanionFactory(customer=customer)
        frequent_flyer_number_add(
            customer=customer, airline=airline, number=f"EK{companion.pk:08d}", companion=companion
        )


@pytest.mark.parametrize(
    ("url", "client_fixture"),
    [
        ("/profile/", "customer_client"),
        ("/dashboard/", "customer_client"),
        ("/api/v1/customer/companions/", "customer_api"),
        ("/api/v1/customer/frequent-flyer-numbers/", "customer_api"),
    ],
)
def test_query_count_does_not_grow_with_companions(request, url, client_fixture, customer, airline):
    client = request.getfixturevalue(client_fixture)
    add_companions(customer, airline, 1)
    few = queries_for(client, url)

    add_companions(customer, airline, 10)
    many = queries_for(client, url)

    assert many == few


def test_profile_page_query_budget(client, customer, airline, settings):
    # Database sessions everywhere, so the count is the same with and without Redis.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    client.force_login(customer.user)
    add_companions(customer, airline, 5)

    # session, user, customer with profile, companions, numbers with airline, airlines for the
    # form, companions for the form, the header's unread notifications, and the session save
    # (savepoint, update, release)
    assert queries_for(client, "/profile/") == 11
