"""The package list, found rather than written down: ``mlopsc`` is compiler/, and
``mlopsc.targets`` is targets/ (mapped by ``package-dir`` in pyproject.toml), so a new
folder with an ``__init__.py`` under either, a new target among them, ships without an edit
here. Everything else about the build lives in pyproject.toml.
"""

from setuptools import find_packages, setup


def _packages(folder: str, name: str) -> list[str]:
    return [name, *(f"{name}.{found}" for found in sorted(find_packages(folder)))]


setup(packages=[*_packages("compiler", "mlopsc"), *_packages("targets", "mlopsc.targets"),
                "mlopsc.policies"])
