"""``impact.study``, the documented import path of :mod:`impact.market.study`."""

from impact.market.study import (
    ALL,
    STUDY_COLUMNS,
    binomial_p_value,
    event_study,
    forward_returns,
    observations,
)

__all__ = ['ALL', 'STUDY_COLUMNS', 'binomial_p_value', 'event_study', 'forward_returns', 'observations']
