from b2c.admin import (  # noqa: F401
    alerts,
    customer,
    loyalty,
    newsletter,
    referrals,
    travel_alerts,
    wallet,
    wishlist,
)
