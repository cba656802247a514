"""The site's URLs plus a minimal Django view, the baseline each page is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok")


def one_indexed_query(request):
    """The load test's baseline: a minimal view doing one indexed query."""
    from flights.models import Airport

    airport = Airport.objects.filter(iata_code="DXB").values_list("city", flat=True).first()
    return HttpResponse(airport or "")


urlpatterns = [
    path("__bench__/minimal/", minimal),
    path("__bench__/one-query/", one_indexed_query),
    path("", include("config.urls")),
]
