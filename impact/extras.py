"""Optional parts of the package and what to install for them.

``pip install asset-impact`` gives the engine, the CLI and pandas frames. The rest is in extras:

=========  ==============================  =====================================================
extra      installs                        needed by
=========  ==============================  =====================================================
parquet    pyarrow                         Parquet input and output (``impact evaluate x.parquet``,
                                           ``--format parquet``, results read back from Parquet)
plot       matplotlib                      ``impact timeline``, :func:`impact.plot.timeline`
dask       dask[dataframe], distributed    :func:`impact.distributed.evaluate_dask`
lint       wordfreq (58 MB of word lists)  ``impact rules lint --enable W412`` (wildcards that
                                           run into common English words)
serve      starlette, uvicorn              ``impact serve``, :func:`impact.serve.create_app`
all        all of the above
=========  ==============================  =====================================================

A use of a missing extra raises :class:`MissingExtra` (an ImpactError, so the CLI prints one line
and exits 2; also an ImportError, for code that already catches that) naming the extra to install.
"""

from __future__ import annotations

import importlib

from impact.errors import ImpactError

EXTRAS: dict[str, tuple[str, ...]] = {
    "parquet": ("pyarrow",),
    "plot": ("matplotlib",),
    "dask": ("dask.dataframe", "distributed"),
    "lint": ("wordfreq",),
    "serve": ("starlette", "uvicorn"),
}


class MissingExtra(ImpactError, ImportError):
    """An optional dependency is not installed; the message says which extra brings it."""


def require(extra: str, what: str) -> None:
    """Raise MissingExtra unless every module of ``extra`` imports; ``what`` names the use."""
    for module in EXTRAS[extra]:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise MissingExtra(
                f"{what} needs the '{extra}' extra ({module} is not installed): "
                f"pip install 'asset-impact[{extra}]'"
            ) from exc
