"""``impact.prices``, the documented import path of :mod:`impact.market.prices`."""

from impact.market.prices import (
    DATE_NAMES,
    PRICE_NAMES,
    PriceSeries,
    align_sessions,
    parse_close_time,
    read_prices,
    session_closes,
)

__all__ = ['DATE_NAMES', 'PRICE_NAMES', 'PriceSeries', 'align_sessions', 'parse_close_time', 'read_prices', 'session_closes']
