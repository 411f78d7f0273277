"""Golden trees of the Prometheus target: every compilable example, byte for byte."""

from __future__ import annotations

import pytest
from conftest import compilable_specs, example_id
from golden_tree import GOLDEN_ROOT, assert_tree
from test_prometheus_helpers import emit_example


@pytest.mark.parametrize("spec", compilable_specs(), ids=example_id)
def test_golden(spec, request):
    actual, _ = emit_example(spec)
    golden = GOLDEN_ROOT / example_id(spec) / "prometheus"
    if not actual and not golden.exists():
        return  # an example without SLOs or monitors has no Prometheus output, nor a golden
    assert_tree(actual, golden, request)
