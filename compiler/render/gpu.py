"""GPU types as node label values: one accelerator, written in the form its label expects.

A spec names the accelerator once (``gpu.type``); the target setting ``gpu-node-label``
says which node label picks it. Vendors write the same card differently:

- NVIDIA GPU feature discovery (``nvidia.com/gpu.product``) publishes the product name
  the driver reports, e.g. ``Tesla-T4``, ``NVIDIA-L4``, ``NVIDIA-A100-SXM4-40GB``;
- GKE (``cloud.google.com/gke-accelerator``) its accelerator id, e.g. ``nvidia-tesla-t4``.

The Kubeflow and Airflow targets share this table, so both write one value for one spec.
A type the table does not know is written as the spec gives it (``validate`` warns, W526).
"""

from __future__ import annotations

NVIDIA_LABEL = "nvidia.com/gpu.product"
GKE_LABEL = "cloud.google.com/gke-accelerator"

# GKE accelerator id -> the product name GPU feature discovery publishes for that card.
GKE_TO_PRODUCT: dict[str, str] = {
    "nvidia-tesla-k80": "Tesla-K80",
    "nvidia-tesla-p4": "Tesla-P4",
    "nvidia-tesla-p100": "Tesla-P100-PCIE-16GB",
    "nvidia-tesla-v100": "Tesla-V100-SXM2-16GB",
    "nvidia-tesla-t4": "Tesla-T4",
    "nvidia-tesla-a100": "NVIDIA-A100-SXM4-40GB",
    "nvidia-a100-80gb": "NVIDIA-A100-SXM4-80GB",
    "nvidia-l4": "NVIDIA-L4",
    "nvidia-h100-80gb": "NVIDIA-H100-80GB-HBM3",
}
PRODUCT_TO_GKE: dict[str, str] = {v: k for k, v in GKE_TO_PRODUCT.items()}


def known(accelerator: str) -> bool:
    """Whether the table knows ``accelerator`` in either form.

    >>> known("nvidia-tesla-t4"), known("Tesla-T4"), known("tpu-v5")
    (True, True, False)
    """
    return accelerator in GKE_TO_PRODUCT or accelerator in PRODUCT_TO_GKE


def label_value(label: str, accelerator: str) -> str:
    """The value of node label ``label`` that picks ``accelerator``.

    >>> label_value(NVIDIA_LABEL, "nvidia-tesla-t4"), label_value(GKE_LABEL, "Tesla-T4")
    ('Tesla-T4', 'nvidia-tesla-t4')
    >>> label_value(NVIDIA_LABEL, "Tesla-T4"), label_value("example.com/gpu", "t4")
    ('Tesla-T4', 't4')
    """
    if label == NVIDIA_LABEL:
        return GKE_TO_PRODUCT.get(accelerator, accelerator)
    if label == GKE_LABEL:
        return PRODUCT_TO_GKE.get(accelerator, accelerator)
    return accelerator
