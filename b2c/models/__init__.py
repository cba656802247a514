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
from b2c.models.wallet import CustomerWallet, SavedPaymentMethod, WalletTransaction

__all__ = [
    "AffiliateClick",
    "AffiliateCommission",
    "AffiliatePartner",
    "CustomerReferral",
    "CustomerReward",
    "LoyaltyProgram",
    "LoyaltyTransaction",
    "ReferralProgram",
    "Reward",
    "TierBenefit",
    "Customer",
    "CustomerActivity",
    "CustomerProfile",
    "CustomerWallet",
    "FrequentFlyerNumber",
    "SavedPaymentMethod",
    "TravelCompanion",
    "WalletTransaction",
]
