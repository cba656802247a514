"""Pages of the support area (wired into b2c/urls.py)."""

from django.urls import path

from b2c.views import support_views

urlpatterns: list = [
    path("support/", support_views.SupportView.as_view(), name="support"),
    path("support/new/", support_views.TicketNewView.as_view(), name="ticket-new"),
    path("support/faq-suggest/", support_views.faq_suggest, name="ticket-faq-suggest"),
    path("support/<int:ticket_id>/", support_views.TicketView.as_view(), name="ticket"),
    # b2c.services.support.ticket_url() reverses this name for the links in notifications and
    # emails; the same page as "ticket" (the first pattern answers).
    path("support/<int:ticket_id>/", support_views.TicketView.as_view(), name="support-ticket"),
    path(
        "support/<int:ticket_id>/reply/",
        support_views.TicketReplyView.as_view(),
        name="ticket-reply",
    ),
    path(
        "support/<int:ticket_id>/close/",
        support_views.TicketCloseView.as_view(),
        name="ticket-close",
    ),
    path(
        "support/<int:ticket_id>/rate/", support_views.TicketRateView.as_view(), name="ticket-rate"
    ),
    path(
        "support/<int:ticket_id>/attachments/<int:attachment_id>/",
        support_views.ticket_attachment,
        name="ticket-attachment",
    ),
    path("help/", support_views.help_page, name="help"),
    path("help/<int:faq_id>/vote/", support_views.faq_vote_view, name="faq-vote"),
]
