from b2c.admin import (  # noqa: F401
    alerts,
    customer,
    loyalty,
    newsletter,
    referrals,
    reviews,
    social,
    travel_alerts,
    wallet,
    wishlist,
)
