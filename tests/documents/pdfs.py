"""Reading what a PDF shows: its text (pypdf), its first page as a PNG (pdftoppm), and
whether that PNG holds anything but white (a small PNG reader: zlib and row filters)."""

from __future__ import annotations

import io
import re
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "documents"


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as pypdf extracts it, without control characters.

    Typst maps a cluster's text to its first glyph only; pypdf writes the code of each
    other glyph (a Thai vowel or tone mark) as a raw character, mostly a control one.
    """
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\x00-\x08\x0b-\x1f]", "", text)


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def first_page_png(pdf: bytes, name: str) -> Path:
    """Page 1 at 60 dpi, written to tests/artefacts/documents/NAME.png."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTEFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    stem = ARTEFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", source, stem],
        check=True,
        capture_output=True,
    )
    return stem.with_suffix(".png")


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    ink: float
    """The share of pixels that are not white."""


def read_png(path: Path) -> Picture:
    """Size and share of non-white pixels of an 8-bit greyscale, RGB or RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    at, header, compressed = 8, None, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
    assert header is not None, "no IHDR chunk"
    width, height, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    assert depth == 8 and interlace == 0, "only 8-bit, non-interlaced PNGs are read here"
    raw = zlib.decompress(compressed)
    stride = width * channels
    previous = bytearray(stride)
    inked = 0
    for row in range(height):
        start = row * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        for x in range(0, stride, channels):
            if any(value < 250 for value in line[x : x + min(channels, 3)]):
                inked += 1
        previous = line
    return Picture(width, height, inked / (width * height))


def _unfilter(kind: int, line: bytearray, previous: bytearray, bpp: int) -> None:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = previous[i]
        corner = previous[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF
        elif kind != 0:
            raise ValueError(f"unknown PNG row filter {kind}")


def path_operators(pdf: bytes) -> int:
    """How many path-building operators (m, l, c, h, re) page 1 draws: a QR code adds
    hundreds, since typst draws an SVG as vector paths."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    return len(re.findall(r"(?<![\w/])(?:m|l|c|h|re)(?=\s)", content))


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def words(pdf: bytes) -> list[Word]:
    """Every word of the PDF with its box in points, as poppler's `pdftotext -bbox` finds it."""
    found = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, check=True, capture_output=True
    ).stdout.decode()
    result: list[Word] = []
    for number, page in enumerate(re.findall(r"<page .*?</page>", found, re.S), start=1):
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            result.append(Word(number, text, float(x0), float(y0), float(x1), float(y1)))
    return result


def overlapping_words(pdf: bytes, *, tolerance: float = 0.5) -> list[tuple[Word, Word]]:
    """Pairs of words on the same line of a page whose boxes overlap across: text printed
    over other text, as a table column too narrow for its content does.

    Two words are on the same line when their boxes share most of their height (a word
    with a mark above or below, in Thai or Vietnamese, is taller, not on another line).
    """
    pairs = []
    by_page: dict[int, list[Word]] = {}
    for word in words(pdf):
        by_page.setdefault(word.page, []).append(word)
    for page in by_page.values():
        page.sort(key=lambda w: w.x0)
        for i, one in enumerate(page):
            for other in page[i + 1 :]:
                if other.x0 >= one.x1 - tolerance:
                    break
                shared = min(one.y1, other.y1) - max(one.y0, other.y0)
                if shared > 0.6 * min(one.y1 - one.y0, other.y1 - other.y0):
                    pairs.append((one, other))
    return pairs
