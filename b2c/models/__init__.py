from b2c.models.alerts import (
    NewsletterIssue,
    NewsletterSubscription,
    NewsletterTopic,
    PriceAlert,
    PriceAlertCheck,
    TravelAlert,
)
from b2c.models.customer import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from b2c.models.loyalty import (
    CustomerReward,
    LoyaltyProgram,
    LoyaltyTransaction,
    Reward,
    TierBenefit,
)
from b2c.models.referrals import (
    AffiliateClick,
    AffiliateCommission,
    AffiliatePartner,
    CustomerReferral,
    ReferralProgram,
)
from b2c.models.reviews import (
    ContentReport,
    Review,
    ReviewAggregate,
    ReviewImage,
    ReviewResponse,
    ReviewVote,
    SubjectKind,
)
from b2c.models.social import StoryComment, StoryLike, TravelPhoto, TravelStory
from b2c.models.support import FAQ, SupportTicket, TicketAttachment, TicketMessage
from b2c.models.trips import Trip, TripActivity, TripDay, TripMember
from b2c.models.wallet import CustomerWallet, SavedPaymentMethod, WalletTransaction
from b2c.models.wishlist import FavoriteAirline, FavoriteDestination, Wishlist, WishlistItem

__all__ = [
    "FAQ",
    "SupportTicket",
    "TicketAttachment",
    "TicketMessage",
    "Trip",
    "TripActivity",
    "TripDay",
    "TripMember",
    "ContentReport",
    "Review",
    "ReviewAggregate",
    "ReviewImage",
    "ReviewResponse",
    "ReviewVote",
    "StoryComment",
    "StoryLike",
    "SubjectKind",
    "TravelPhoto",
    "TravelStory",
    "AffiliateClick",
    "AffiliateCommission",
    "AffiliatePartner",
    "CustomerReferral",
    "CustomerReward",
    "LoyaltyProgram",
    "LoyaltyTransaction",
    "NewsletterIssue",
    "NewsletterSubscription",
    "NewsletterTopic",
    "PriceAlert",
    "PriceAlertCheck",
    "ReferralProgram",
    "Reward",
    "TierBenefit",
    "Customer",
    "CustomerActivity",
    "CustomerProfile",
    "CustomerWallet",
    "FavoriteAirline",
    "FavoriteDestination",
    "FrequentFlyerNumber",
    "SavedPaymentMethod",
    "TravelAlert",
    "TravelCompanion",
    "WalletTransaction",
    "Wishlist",
    "WishlistItem",
]
