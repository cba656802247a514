from django.urls import path

from b2c.urls_support import urlpatterns as support_urlpatterns
from b2c.urls_trips import urlpatterns as trips_urlpatterns
from b2c.views import (
    alert_views,
    customer_views,
    loyalty_views,
    newsletter_views,
    referral_views,
    review_views,
    site_views,
    social_views,
    travel_alert_views,
    wallet_views,
    wishlist_views,
)

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
    path("wishlists/", wishlist_views.WishlistListView.as_view(), name="wishlists"),
    path("wishlists/save/", wishlist_views.WishlistSaveView.as_view(), name="wishlist-save"),
    path("wishlists/shared/<str:token>/", wishlist_views.wishlist_shared, name="wishlist-shared"),
    path(
        "wishlists/<int:wishlist_id>/", wishlist_views.WishlistDetailView.as_view(), name="wishlist"
    ),
    path(
        "wishlists/<int:wishlist_id>/rename/",
        wishlist_views.WishlistRenameView.as_view(),
        name="wishlist-rename",
    ),
    path(
        "wishlists/<int:wishlist_id>/share/",
        wishlist_views.WishlistShareView.as_view(),
        name="wishlist-share",
    ),
    path(
        "wishlists/<int:wishlist_id>/delete/",
        wishlist_views.WishlistDeleteView.as_view(),
        name="wishlist-delete",
    ),
    path(
        "wishlists/<int:wishlist_id>/items/<int:item_id>/remove/",
        wishlist_views.WishlistItemRemoveView.as_view(),
        name="wishlist-item-remove",
    ),
    path(
        "wishlists/<int:wishlist_id>/items/<int:item_id>/move/",
        wishlist_views.WishlistItemMoveView.as_view(),
        name="wishlist-item-move",
    ),
    path(
        "wishlists/<int:wishlist_id>/items/<int:item_id>/target/",
        wishlist_views.WishlistItemTargetView.as_view(),
        name="wishlist-item-target",
    ),
    path(
        "wishlists/<int:wishlist_id>/items/<int:item_id>/keep/",
        wishlist_views.WishlistItemKeepView.as_view(),
        name="wishlist-item-keep",
    ),
    path("favourites/", wishlist_views.FavouritesView.as_view(), name="favourites"),
    path(
        "favourites/airlines/<int:favourite_id>/score/",
        wishlist_views.FavouriteAirlineScoreView.as_view(),
        name="favourite-airline-score",
    ),
    path(
        "favourites/airlines/<int:favourite_id>/remove/",
        wishlist_views.FavouriteRemoveView.as_view(kind="airline"),
        name="favourite-airline-remove",
    ),
    path(
        "favourites/destinations/<int:favourite_id>/remove/",
        wishlist_views.FavouriteRemoveView.as_view(kind="destination"),
        name="favourite-destination-remove",
    ),
    path("alerts/", alert_views.AlertListView.as_view(), name="alerts"),
    path("alerts/new/", alert_views.VisitorAlertView.as_view(), name="alert-new"),
    path("alerts/confirm/<str:token>/", alert_views.alert_confirm, name="alert-confirm"),
    path("alerts/stop/<str:token>/", alert_views.AlertStopView.as_view(), name="alert-stop"),
    path("alerts/travel/", travel_alert_views.TravelAlertListView.as_view(), name="travel-alerts"),
    path(
        "alerts/travel/<int:alert_id>/",
        travel_alert_views.TravelAlertDetailView.as_view(),
        name="travel-alert",
    ),
    path(
        "alerts/travel/<int:alert_id>/accept/",
        travel_alert_views.TravelAlertAcceptView.as_view(),
        name="travel-alert-accept",
    ),
    path(
        "alerts/travel/<int:alert_id>/refund/",
        travel_alert_views.TravelAlertRefundView.as_view(),
        name="travel-alert-refund",
    ),
    path("advisories/", travel_alert_views.advisories_page, name="advisories"),
    path("alerts/<int:alert_id>/", alert_views.AlertDetailView.as_view(), name="alert-detail"),
    path(
        "alerts/<int:alert_id>/pause/",
        alert_views.AlertActionView.as_view(action="pause"),
        name="alert-pause",
    ),
    path(
        "alerts/<int:alert_id>/resume/",
        alert_views.AlertActionView.as_view(action="resume"),
        name="alert-resume",
    ),
    path(
        "alerts/<int:alert_id>/delete/",
        alert_views.AlertActionView.as_view(action="delete"),
        name="alert-delete",
    ),
    path("newsletter/", newsletter_views.NewsletterView.as_view(), name="newsletter"),
    path(
        "newsletter/preferences/",
        newsletter_views.NewsletterPreferencesView.as_view(),
        name="newsletter-preferences",
    ),
    path(
        "newsletter/confirm/<str:token>/",
        newsletter_views.newsletter_confirm_view,
        name="newsletter-confirm",
    ),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter_views.NewsletterUnsubscribeView.as_view(),
        name="newsletter-unsubscribe",
    ),
    path("reviews/write/", review_views.ReviewWriteView.as_view(), name="review-new"),
    path("reviews/mine/", review_views.MyReviewsView.as_view(), name="reviews-mine"),
    path("reviews/airlines/<str:code>/", review_views.airline_reviews, name="reviews-airline"),
    path(
        "reviews/flights/<str:code>/<str:origin>-<str:destination>/",
        review_views.route_reviews,
        name="reviews-route",
    ),
    path("reviews/subject/", review_views.subject_reviews, name="reviews-subject"),
    path(
        "reviews/<int:review_id>/helpful/",
        review_views.HelpfulVoteView.as_view(),
        name="review-helpful",
    ),
    path(
        "reviews/<int:review_id>/edit/", review_views.ReviewEditView.as_view(), name="review-edit"
    ),
    path(
        "reviews/<int:review_id>/delete/",
        review_views.ReviewDeleteView.as_view(),
        name="review-delete",
    ),
    path(
        "reviews/<int:review_id>/report/",
        review_views.ReviewReportView.as_view(),
        name="review-report",
    ),
    path("stories/", social_views.stories_page, name="stories"),
    path("stories/new/", social_views.StoryNewView.as_view(), name="story-new"),
    path("stories/by/<str:code>/", social_views.stories_author_page, name="stories-author"),
    path("stories/<str:slug>/", social_views.story_page, name="story"),
    path("stories/<str:slug>/edit/", social_views.StoryEditView.as_view(), name="story-edit"),
    path("stories/<str:slug>/delete/", social_views.StoryDeleteView.as_view(), name="story-delete"),
    path("stories/<str:slug>/like/", social_views.StoryLikeView.as_view(), name="story-like"),
    path("stories/<str:slug>/report/", social_views.ReportView.as_view(), name="story-report"),
    path(
        "stories/<str:slug>/photos/add/",
        social_views.StoryPhotoAddView.as_view(),
        name="story-photo-add",
    ),
    path(
        "stories/<str:slug>/photos/<int:photo_id>/remove/",
        social_views.StoryPhotoActionView.as_view(action="remove"),
        name="story-photo-remove",
    ),
    path(
        "stories/<str:slug>/photos/<int:photo_id>/up/",
        social_views.StoryPhotoActionView.as_view(action="up"),
        name="story-photo-up",
    ),
    path(
        "stories/<str:slug>/photos/<int:photo_id>/down/",
        social_views.StoryPhotoActionView.as_view(action="down"),
        name="story-photo-down",
    ),
    path(
        "stories/<str:slug>/photos/<int:photo_id>/cover/",
        social_views.StoryPhotoActionView.as_view(action="cover"),
        name="story-photo-cover",
    ),
    path(
        "stories/<str:slug>/photos/<int:photo_id>/caption/",
        social_views.StoryPhotoActionView.as_view(action="caption"),
        name="story-photo-caption",
    ),
    path(
        "stories/<str:slug>/comments/",
        social_views.StoryCommentView.as_view(),
        name="story-comment",
    ),
    path(
        "stories/<str:slug>/comments/<int:comment_id>/edit/",
        social_views.CommentEditView.as_view(),
        name="story-comment-edit",
    ),
    path(
        "stories/<str:slug>/comments/<int:comment_id>/delete/",
        social_views.CommentDeleteView.as_view(),
        name="story-comment-delete",
    ),
    path(
        "stories/<str:slug>/comments/<int:comment_id>/report/",
        social_views.ReportView.as_view(),
        name="story-comment-report",
    ),
]

urlpatterns += trips_urlpatterns + support_urlpatterns
