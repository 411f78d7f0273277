"""The Hugging Face Hub's ids for a model's framework and task.

The Hub reads a card's ``library_name`` as one of its library ids and ``pipeline_tag`` as one
of its task ids (npm ``@huggingface/tasks``: ``ALL_MODEL_LIBRARY_KEYS`` and
``PIPELINE_TYPES``). A framework or task with no Hub id gets none rather than a value the Hub
would not recognise; the spec's own words stay in the card's ``mlopsc`` block. The tests check
every value here against those lists (``tests/fixtures/huggingface/``).
"""

from __future__ import annotations

LIBRARIES: dict[str, str] = {
    "sklearn": "sklearn",
    # The spec's ``huggingface`` framework means models of the transformers library.
    "huggingface": "transformers",
}
"""Spec framework -> Hub library id. xgboost, lightgbm, pytorch, tensorflow, onnx and custom
have none: the Hub lists no such library (TensorFlow models are ``keras`` or ``tf-keras``,
which the spec cannot tell apart)."""

PIPELINE_TAGS: dict[str, str] = {
    # mlopsc's data contracts are tables, so a classifier or regressor over them is tabular.
    "binary-classification": "tabular-classification",
    "multiclass-classification": "tabular-classification",
    "multi-class-classification": "tabular-classification",
    "multilabel-classification": "tabular-classification",
    "classification": "tabular-classification",
    "regression": "tabular-regression",
    "forecasting": "time-series-forecasting",
    # The Hub's own ids, written as they are.
    "tabular-classification": "tabular-classification",
    "tabular-regression": "tabular-regression",
    "time-series-forecasting": "time-series-forecasting",
}
"""Spec task -> Hub pipeline tag. Ranking, retrieval and recommendation have none: the Hub's
``text-ranking`` and ``text-retrieval`` are about text, which a model card cannot assume."""


def library_name(framework: str | None) -> str | None:
    """The Hub library id of ``framework``, if the Hub has one.

    >>> library_name("huggingface"), library_name("xgboost")
    ('transformers', None)
    """
    return LIBRARIES.get(framework or "")


def pipeline_tag(task: str | None) -> str | None:
    """The Hub pipeline tag of ``task``, if the Hub has one.

    >>> pipeline_tag("binary-classification"), pipeline_tag("ranking")
    ('tabular-classification', None)
    """
    return PIPELINE_TAGS.get((task or "").strip().lower())
