"""Template filters for rewards: their catalogue text in the visitor's language."""

from django import template

from b2c.selectors.loyalty import reward_text

register = template.Library()


@register.filter
def reward_name(reward) -> str:
    """The reward's name in the active language (its translation, else the catalogue's)."""
    return reward_text(reward)[0]
