import threading

import pytest
from django.db import connection

from b2c.models import Customer, CustomerProfile
from b2c.services.customer import customer_create_for_user
from core.testing.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_makes_exactly_one_customer():
    user = UserFactory()
    Customer.objects.filter(user=user).delete()  # as if the sign-up signal had not run yet
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def create():
        try:
            barrier.wait()
            results.append(customer_create_for_user(user=user).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Customer.objects.filter(user=user).count() == 1
    assert CustomerProfile.objects.filter(customer__user=user).count() == 1
    assert set(results) == {Customer.objects.get(user=user).pk}
    assert Customer.objects.get(user=user).activities.filter(kind="signed_up").count() == 1
