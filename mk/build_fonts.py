"""Build the fonts the PDF export ships (chalicelib/exports/pdf/fonts/) from Debian's packages.

    apt-get install fonts-dejavu-core fonts-droid-fallback
    .venv/bin/python mk/build_fonts.py

DejaVu Sans (regular, bold) is cut to Latin, Greek, Cyrillic and the punctuation and
symbols a record uses; Droid Sans Fallback to the kana and the Han characters of
GB 2312 and JIS X 0208 level 1 (simplified Chinese and everyday Japanese), the PDF's
fallback for what DejaVu lacks. Hinting and layout tables are dropped: fpdf2 neither
hints nor shapes, and the Lambda package has a size budget. The output is committed;
rerun this only to change what the fonts cover.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "chalicelib" / "exports" / "pdf" / "fonts"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
LICENCES = {"DejaVu-LICENSE.txt": Path("/usr/share/doc/fonts-dejavu-core/copyright"),
            "DroidSansFallback-LICENSE.txt": Path("/usr/share/doc/fonts-droid-fallback/copyright")}

RANGES = [
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x0250, 0x02FF),  # IPA and spacing modifiers
    (0x0300, 0x036F),  # combining marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x1E00, 0x1FFF),  # Latin Extended Additional (Vietnamese), Greek Extended
    (0x2000, 0x206F),  # punctuation: dashes, quotes, ellipsis, bullets
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x215F),  # letterlike, number forms
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≤ ≥ ≈ −)
    (0x25A0, 0x25FF),  # geometric shapes (■ ● ▲)
    (0x2610, 0x2612),  # ballot boxes
    (0x2713, 0x2717),  # check marks
    (0xFFFD, 0xFFFD),  # replacement character
]
CJK_RANGES = [(0x3000, 0x30FF), (0x31F0, 0x31FF), (0xFF00, 0xFFEF)]  # punctuation, kana, full-width forms


def _double_byte(codec: str, rows: range) -> set[int]:
    found = set()
    for row in rows:
        for col in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([row, col]).decode(codec)))
            except UnicodeDecodeError:
                pass
    return found


def _cut(source: Path, unicodes: set[int], target: Path) -> None:
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source)
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=unicodes)
    cutter.subset(font)
    font.save(target)
    print(f"{target.name}: {target.stat().st_size / 1000:.0f} kB")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    latin = {cp for low, high in RANGES for cp in range(low, high + 1)}
    _cut(DEJAVU / "DejaVuSans.ttf", latin, OUT / "DejaVuSans.ttf")
    _cut(DEJAVU / "DejaVuSans-Bold.ttf", latin, OUT / "DejaVuSans-Bold.ttf")
    han = _double_byte("gb2312", range(0xB0, 0xF8)) | _double_byte("euc_jp", range(0xB0, 0xD0))
    cjk = {cp for low, high in CJK_RANGES for cp in range(low, high + 1)} | {cp for cp in han if 0x4E00 <= cp <= 0x9FFF}
    _cut(DROID, cjk, OUT / "DroidSansFallback-CJK.ttf")
    for name, source in LICENCES.items():
        shutil.copyfile(source, OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
