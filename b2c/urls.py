from django.urls import path

from b2c.views import customer_views, site_views

app_name = "b2c"

urlpatterns = [
    path("language/", site_views.language_switch, name="language"),
    path("dashboard/", customer_views.CustomerDashboardView.as_view(), name="dashboard"),
    path("profile/", customer_views.CustomerProfileView.as_view(), name="profile"),
    path(
        "profile/companions/add/",
        customer_views.TravelCompanionFormView.as_view(),
        name="companion-add",
    ),
    path(
        "profile/companions/<int:companion_id>/",
        customer_views.TravelCompanionFormView.as_view(),
        name="companion-edit",
    ),
    path(
        "profile/companions/<int:companion_id>/delete/",
        customer_views.TravelCompanionDeleteView.as_view(),
        name="companion-delete",
    ),
    path(
        "profile/frequent-flyer/add/",
        customer_views.frequent_flyer_number_add,
        name="frequent-flyer-add",
    ),
    path(
        "profile/frequent-flyer/<int:entry_id>/delete/",
        customer_views.frequent_flyer_number_delete,
        name="frequent-flyer-delete",
    ),
    path("profile/export/", customer_views.customer_data_export, name="data-export"),
    path("profile/delete/", customer_views.AccountDeleteView.as_view(), name="account-delete"),
]
