"""``impact.plot``, the documented import path of :mod:`impact.market.plot`."""

from impact.market.plot import (
    timeline,
)

__all__ = ['timeline']
