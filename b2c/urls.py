from django.urls import path

from b2c.views import customer_views, loyalty_views, referral_views, site_views, wallet_views

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
    path("referrals/", referral_views.referrals_page, name="referrals"),
    path("r/<str:code>/", referral_views.referral_link, name="referral-link"),
    path("go/<slug:partner_code>/", referral_views.affiliate_link, name="affiliate-link"),
    path("loyalty/", loyalty_views.LoyaltyDashboardView.as_view(), name="loyalty"),
    path("rewards/", loyalty_views.RewardsView.as_view(), name="rewards"),
    path(
        "rewards/redeem/<int:reward_id>/",
        loyalty_views.RedeemRewardView.as_view(),
        name="reward-redeem",
    ),
    path("wallet/", wallet_views.WalletView.as_view(), name="wallet"),
    path("wallet/cards/add/", wallet_views.PaymentMethodAddView.as_view(), name="card-add"),
    path(
        "wallet/cards/<int:method_id>/default/",
        wallet_views.PaymentMethodDefaultView.as_view(),
        name="card-default",
    ),
    path(
        "wallet/cards/<int:method_id>/delete/",
        wallet_views.PaymentMethodDeleteView.as_view(),
        name="card-delete",
    ),
]
