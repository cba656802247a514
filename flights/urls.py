from django.urls import path

from flights import views

app_name = "flights"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/airports/", views.airport_suggestions, name="airport-suggestions"),
    path("search/offer/", views.offer_select, name="offer-select"),
]
