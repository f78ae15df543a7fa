"""Example reports bundled with the package, for the demo, the web app's first start and the docs.

Real published reports from the shared corpus (public government documents), one of each kind of
file: Word text dumps, web pages, and WPS-exported PDFs, including a pair of years of one organ
(淮安市洪泽区 2023/2024) and three years of another (平潭综合实验区).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SUFFIXES = (".txt", ".html", ".pdf", ".docx")


def example_dir() -> Path:
    return Path(str(resources.files(__package__)))


def example_files() -> list[Path]:
    return sorted(p for p in example_dir().iterdir() if p.suffix in SUFFIXES)
