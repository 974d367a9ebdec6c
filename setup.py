"""Packages for setuptools; everything else is in pyproject.toml.

The workflow definitions live in ``definitions/`` at the top of the repository (they are data,
edited as such), yet an installed wheel must carry them: setuptools' ``packages.find`` cannot
map a directory outside a package, so the mapping to ``workflow.bundled_definitions`` is here.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["workflow*", "api*"]), "workflow.bundled_definitions"],
    package_dir={"workflow.bundled_definitions": "definitions"},
)
