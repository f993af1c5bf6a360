"""The label fields of ``impact rules stats``: read from a validated YAML file beside the rules
(``labels.yaml``; in the wheel ``impact/default_labels.yaml``), not written in the code.

Each field has a kind: ``assets`` (the field maps asset names to directions), ``value`` (each
value of the field means one view, ``ASSET:DIRECTION``, ``ASSET:flat`` or ``none``) or
``events`` (event types, each meaning some events of the rules).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from impact.errors import InputError

VIEW_DIRECTIONS = ("bullish", "bearish", "neutral", "flat")


class LabelField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["assets", "value", "events"]
    values: dict[str, str] = {}
    events: dict[str, list[str]] = {}

    @field_validator("values")
    @classmethod
    def _views(cls, values: dict[str, str]) -> dict[str, str]:
        for value, view in values.items():
            asset, sep, direction = view.partition(":")
            if view != "none" and (not sep or not asset or direction not in VIEW_DIRECTIONS):
                raise ValueError(f"value {value!r}: {view!r} is not ASSET:DIRECTION ({', '.join(VIEW_DIRECTIONS)}) or none")
        return values


class LabelFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: dict[str, LabelField]


def default_labels_path() -> Path:
    """The bundled label file: inside the installed wheel, or the repository's ``labels.yaml``."""
    here = Path(__file__).resolve().parents[1]  # the package: impact/
    packaged = here / "default_labels.yaml"
    return packaged if packaged.is_file() else here.parent / "labels.yaml"


@functools.lru_cache(maxsize=8)
def load_labels(path: Path | None = None) -> LabelFile:
    """Read and validate a label file; InputError names the file and what is wrong."""
    target = path if path is not None else default_labels_path()
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
        return LabelFile.model_validate(data)
    except OSError as exc:
        raise InputError(f"{target}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{target}: YAML error: {' '.join(str(exc).split())}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        raise InputError(f"{target}: {where}: {first['msg']}") from None
