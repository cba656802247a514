from django.contrib.messages import get_messages
from django.urls import reverse

from b2c.models import TripActivity


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def planner(trip) -> str:
    return reverse("b2c:trip", args=[trip.pk])


def titles(day) -> list[str]:
    return list(
        TripActivity.objects.filter(day=day).order_by("position").values_list("title", flat=True)
    )
