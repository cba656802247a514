from b2c.models.customer import (
    Customer,
    CustomerActivity,
    CustomerProfile,
    FrequentFlyerNumber,
    TravelCompanion,
)

__all__ = [
    "Customer",
    "CustomerActivity",
    "CustomerProfile",
    "FrequentFlyerNumber",
    "TravelCompanion",
]
