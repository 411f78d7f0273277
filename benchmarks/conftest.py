from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synth import make_spec


@pytest.fixture(scope="session")
def synthetic_spec(tmp_path_factory):
    """Path of a synthetic spec with N models (cached per N for the session)."""
    cache: dict[int, Path] = {}

    def build(n_models: int) -> Path:
        if n_models not in cache:
            path = tmp_path_factory.mktemp(f"synth-{n_models}") / "mlops.yaml"
            path.write_text(make_spec(n_models))
            cache[n_models] = path
        return cache[n_models]

    return build
