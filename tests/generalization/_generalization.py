"""Loads bench/make_variants.py (the variant builder and scorer) for the tests."""

from __future__ import annotations

from types import ModuleType

from nianbao.testing import bench_module


def load_variants_module() -> ModuleType:
    return bench_module("make_variants")
