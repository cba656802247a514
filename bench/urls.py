"""The site's URLs plus a minimal Django view, the baseline each page is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/minimal/", minimal),
    path("", include("config.urls")),
]
