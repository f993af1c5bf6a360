"""``impact.frames``, the documented import path of :mod:`impact.io.frames`."""

from impact.io.frames import (
    EVIDENCE_COLUMNS,
    SIGNAL_COLUMNS,
    empty_frame,
    evaluate_frame,
    results_frame,
)

__all__ = ['EVIDENCE_COLUMNS', 'SIGNAL_COLUMNS', 'empty_frame', 'evaluate_frame', 'results_frame']
