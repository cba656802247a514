"""Search keeps airports and airlines in memory (flights.search.reference) and caches whole
answers (flights.search_cache): a change to any of them, or to a flight or fare, makes those
out of date. Other processes read airports and airlines again within REFERENCE_TTL.

A booked flight whose times change or which is cancelled tells its passengers
(b2c.services.travel_alerts), in the transaction of the save. Only saves send signals: a bulk
`Flight.objects.update(...)` tells nobody."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from flights.models import Airline, Airport, Fare, Flight
from flights.search import reference
from flights.search_cache import inventory_changed

WATCHED = ("departure_at", "arrival_at", "status")


@receiver([post_save, post_delete], sender=Airline, dispatch_uid="flights_airline_changed")
@receiver([post_save, post_delete], sender=Airport, dispatch_uid="flights_airport_changed")
def reference_data_changed(sender, **kwargs) -> None:
    reference.clear()
    inventory_changed()


@receiver([post_save, post_delete], sender=Flight, dispatch_uid="flights_flight_changed")
@receiver([post_save, post_delete], sender=Fare, dispatch_uid="flights_fare_changed")
def inventory_data_changed(sender, **kwargs) -> None:
    inventory_changed()


@receiver(pre_save, sender=Flight, dispatch_uid="flights_flight_before_save")
def flight_before_save(sender, instance: Flight, raw=False, update_fields=None, **kwargs) -> None:
    """Remember the stored times and status of a flight about to be saved (one query; none for
    a new flight, a fixture load, or a save of other fields only)."""
    instance._stored_schedule = None  # type: ignore[attr-defined]
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(WATCHED):
        return
    instance._stored_schedule = (  # type: ignore[attr-defined]
        Flight.objects.filter(pk=instance.pk).values_list(*WATCHED).first()
    )


@receiver(post_save, sender=Flight, dispatch_uid="flights_flight_schedule_changed")
def flight_schedule_changed(sender, instance: Flight, created=False, raw=False, **kwargs) -> None:
    """Tell the passengers of a re-timed or cancelled flight (b2c travel alerts)."""
    stored = getattr(instance, "_stored_schedule", None)
    instance._stored_schedule = None  # type: ignore[attr-defined]
    if created or raw or stored is None or stored == tuple(getattr(instance, f) for f in WATCHED):
        return
    from b2c.services.travel_alerts import travel_alerts_flight_changed

    departure_at, arrival_at, status = stored
    travel_alerts_flight_changed(
        flight=instance,
        previous_departure_at=departure_at,
        previous_arrival_at=arrival_at,
        previous_status=status,
    )
