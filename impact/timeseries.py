"""``impact.timeseries``, the documented import path of :mod:`impact.market.timeseries`."""

from impact.market.timeseries import (
    NET_VIEW_COLUMNS,
    net_view,
    net_view_at,
)

__all__ = ['NET_VIEW_COLUMNS', 'net_view', 'net_view_at']
