"""Search keeps airports and airlines in memory (flights.search.reference): a change to one of
them in this process clears that copy; other processes read them again within REFERENCE_TTL."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from flights.models import Airline, Airport
from flights.search import reference


@receiver([post_save, post_delete], sender=Airline, dispatch_uid="flights_airline_changed")
@receiver([post_save, post_delete], sender=Airport, dispatch_uid="flights_airport_changed")
def reference_data_changed(sender, **kwargs) -> None:
    reference.clear()
