"""Packages: ``console`` plus resources/ and plugins/ mapped in as ``console._data`` and
``console._plugins`` (pyproject.toml ``[tool.setuptools.package-dir]``; console/resources.py)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["console", "console.*"]), "console._data", "console._plugins"]
)
