"""Search keeps airports and airlines in memory (flights.search.reference) and caches whole
answers (flights.search_cache): a change to any of them, or to a flight or fare, makes those
out of date. Other processes read airports and airlines again within REFERENCE_TTL."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from flights.models import Airline, Airport, Fare, Flight
from flights.search import reference
from flights.search_cache import inventory_changed


@receiver([post_save, post_delete], sender=Airline, dispatch_uid="flights_airline_changed")
@receiver([post_save, post_delete], sender=Airport, dispatch_uid="flights_airport_changed")
def reference_data_changed(sender, **kwargs) -> None:
    reference.clear()
    inventory_changed()


@receiver([post_save, post_delete], sender=Flight, dispatch_uid="flights_flight_changed")
@receiver([post_save, post_delete], sender=Fare, dispatch_uid="flights_fare_changed")
def inventory_data_changed(sender, **kwargs) -> None:
    inventory_changed()
