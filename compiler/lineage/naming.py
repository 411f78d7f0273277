"""OpenLineage dataset names: a location in the spec -> ``(namespace, name)``.

OpenLineage joins events from different producers on the dataset's namespace and name, so
a static event only meets the runtime events of the Airflow, Spark or dbt integrations when
it names the data as the naming spec (https://openlineage.io/docs/spec/naming) does: the
namespace is the data source (``scheme://authority``), the name the path within it.

>>> dataset_name("s3://payments-lake/curated/transactions/")
('s3://payments-lake', 'curated/transactions')
>>> dataset_name("bq://shop-analytics.events.interactions")
('bigquery', 'shop-analytics.events.interactions')
>>> dataset_name("warehouse.analytics.customer_activity") is None
True

A location this module cannot map (no scheme, an unknown scheme, a missing bucket, host or
table) gives ``None``: the dataset then keeps the mlopsc namespace (see
:func:`entity_name`) and validation says so (W586). This module imports nothing heavy:
``mlopsc validate`` calls it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

Name = tuple[str, str]
"""``(namespace, name)`` of an OpenLineage dataset or job."""

# Object stores: namespace scheme://bucket (or container@account), name the key without its
# leading slash. A trailing slash is dropped too, as Hadoop's Path (and so the Spark
# integration) does for a directory.
_OBJECT_STORES = {"s3": "s3", "s3a": "s3", "s3n": "s3", "gs": "gs", "gcs": "gs",
                  "abfss": "abfss", "abfs": "abfs", "wasbs": "wasbs", "wasb": "wasb"}
# File systems: the name is the absolute path.
_FILE_SYSTEMS = {"hdfs", "file", "dbfs"}
# Databases named scheme://host:port, name the dotted table path; the port the naming spec
# requires is the service's default when the location leaves it out.
_DATABASES = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "redshift": 5439,
              "trino": 8080, "hive": 10000, "sqlserver": 1433, "oracle": 1521, "db2": 50000,
              "teradata": 1025, "cassandra": 9042, "kafka": 9092}
_SCHEME_ALIASES = {"postgresql": "postgres"}
# Warehouses with a fixed namespace: the whole rest of the location is the table.
_WAREHOUSES = {"bigquery": "bigquery", "bq": "bigquery"}

_LOCATION = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<authority>[^/?#]*)"
                       r"(?P<path>[^?#]*)")
_HOST_PORT = re.compile(r"(?P<host>[^:@/]+)(?::(?P<port>[0-9]{1,5}))?")


def dataset_name(location: str | None) -> Name | None:
    """``(namespace, name)`` per the OpenLineage naming spec, or None when unknown."""
    match = _LOCATION.fullmatch(location.strip()) if location else None
    if match is None:
        return None
    scheme, authority, path = (match["scheme"].lower(), match["authority"], match["path"])
    for table, build in _BUILDERS:
        if scheme in table:
            return build(scheme, authority, path)
    return None


def _object_store(scheme: str, authority: str, path: str) -> Name | None:
    key = path.strip("/")
    if not authority or not key:
        return None
    return f"{_OBJECT_STORES[scheme]}://{authority}", key


def _file_system(scheme: str, authority: str, path: str) -> Name | None:
    path = path.rstrip("/") if path not in ("", "/") else path
    if not path.startswith("/"):
        return None
    if scheme == "file" and not authority:
        return "file", path  # the local file system's namespace has no authority
    if not authority:
        return None
    return f"{scheme}://{authority}", path


def _database(scheme: str, authority: str, path: str) -> Name | None:
    host = _HOST_PORT.fullmatch(authority)
    table = path.strip("/")
    if host is None or not table:
        return None
    port = host["port"] or str(_DATABASES[scheme])
    if scheme != "kafka":
        table = table.replace("/", ".")  # postgres://h/db/schema/table reads as db.schema.table
    return f"{_SCHEME_ALIASES.get(scheme, scheme)}://{host['host']}:{port}", table


def _warehouse(scheme: str, authority: str, path: str) -> Name | None:
    # bq://project.dataset.table, or bigquery://project/dataset/table.
    table = ".".join(part for part in (authority, *path.split("/")) if part)
    if table.count(".") != 2:
        return None
    return _WAREHOUSES[scheme], table


def _snowflake(scheme: str, authority: str, path: str) -> Name | None:
    # snowflake://{organization}-{account}/{database}.{schema}.{table}
    table = path.strip("/").replace("/", ".")
    if not authority or table.count(".") != 2:
        return None
    return f"snowflake://{authority.lower()}", table


_BUILDERS: tuple[tuple[Collection[str], Callable[[str, str, str], Name | None]], ...] = (
    (_OBJECT_STORES, _object_store), (_FILE_SYSTEMS, _file_system), (_DATABASES, _database),
    (_WAREHOUSES, _warehouse), ({"snowflake"}, _snowflake))

SCHEMES = tuple(sorted({*_OBJECT_STORES, *_FILE_SYSTEMS, *_DATABASES, *_WAREHOUSES,
                        "snowflake"}))
"""The location schemes mlopsc maps to an OpenLineage name (for docs and hints)."""

PREFIXES = {"dataset": "datasets", "feature-set": "features", "model": "models",
            "pipeline": "", "deployment": "deployments", "slo": "slos", "monitor": "monitors"}
"""Kind of a lineage node -> the prefix of its name in the mlopsc namespace."""


def entity_name(namespace: str, node_id: str, location: str | None = None) -> Name:
    """The OpenLineage name of a lineage node: its location's name when it maps, else
    ``(namespace, "<kind>s/<name>")`` in the mlopsc namespace (``metadata.name``); a
    pipeline's job is named as the pipeline (and its Airflow DAG) is.

    >>> entity_name("shop", "dataset:items")
    ('shop', 'datasets/items')
    >>> entity_name("shop", "pipeline:train")
    ('shop', 'train')
    """
    mapped = dataset_name(location)
    if mapped is not None:
        return mapped
    kind, _, name = node_id.partition(":")
    prefix = PREFIXES.get(kind, kind)
    return namespace, f"{prefix}/{name}" if prefix else name
