"""factory_boy factories for tests and benchmarks. Users get a Customer from the sign-up signal."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from b2c.models import TravelCompanion

TEST_PASSWORD = "correct-horse-battery-9"  # noqa: S105 - test fixture


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"traveller{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


def CustomerFactory(**user_kwargs):  # noqa: N802 - reads like the other factories
    """A user and the Customer the sign-up signal made for it."""
    return UserFactory(**user_kwargs).customer


class TravelCompanionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TravelCompanion

    given_names = factory.Faker("first_name")
    surname = factory.Faker("last_name")
    relationship = TravelCompanion.Relationship.FRIEND
    date_of_birth = dt.date(1992, 5, 17)
