from b2c.admin import (  # noqa: F401
    alerts,
    customer,
    loyalty,
    newsletter,
    referrals,
    reviews,
    social,
    support,
    travel_alerts,
    trips,
    wallet,
    wishlist,
)
