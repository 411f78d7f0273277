"""The metric names of the monitoring contract (``docs/monitoring.md``).

A monitoring job computes drift, model metrics and data-quality scores and exports them as
these gauges; the Prometheus target alerts on them and the Kubernetes target's analysis
templates query them. One list, so the two cannot drift apart.
"""

DRIFT = "mlops_feature_drift_score"
MODEL_METRIC = "mlops_model_metric"
QUALITY = "mlops_data_quality_failure_ratio"
ROWS = "mlops_dataset_rows"
LAST_UPDATE = "mlops_dataset_last_update_timestamp_seconds"
