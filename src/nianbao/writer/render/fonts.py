"""Fonts of the official layout, with free fallbacks.

The official fonts (方正小标宋简体 for the title, 黑体 for part headings, 仿宋_GB2312 for the text) are
proprietary; by default the free Noto CJK fonts Debian ships are used, and the user may name the
official ones (installed on their machine) instead.
"""

from __future__ import annotations

from dataclasses import dataclass

SERIF_FALLBACKS = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL SungtiL GB", "SimSun", "Songti SC")
SANS_FALLBACKS = ("Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Heiti SC")


@dataclass(frozen=True)
class Fonts:
    body: str = "Noto Serif CJK SC"  # 仿宋_GB2312 in the official layout
    title: str = "Noto Serif CJK SC"  # 方正小标宋简体
    heading: str = "Noto Sans CJK SC"  # 黑体
    table: str = "Noto Serif CJK SC"

    def css_stack(self, name: str, sans: bool = False) -> str:
        fallbacks = SANS_FALLBACKS if sans else SERIF_FALLBACKS
        names = [_clean(name)] + [f for f in fallbacks if f != name]
        return ", ".join(f'"{n}"' for n in names) + (", sans-serif" if sans else ", serif")


OFFICIAL = Fonts(body="仿宋_GB2312", title="方正小标宋简体", heading="黑体", table="仿宋_GB2312")


def _clean(name: str) -> str:
    # a font name is user input that ends up inside CSS and XML: keep it to a plain name
    return "".join(ch for ch in name if ch not in "\"'<>;{}\\").strip()
