from b2c.models.customer import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)
from b2c.models.wallet import CustomerWallet, SavedPaymentMethod, WalletTransaction

__all__ = [
    "Customer",
    "CustomerActivity",
    "CustomerProfile",
    "CustomerWallet",
    "FrequentFlyerNumber",
    "SavedPaymentMethod",
    "TravelCompanion",
    "WalletTransaction",
]
