"""Read a CSV file of labelled texts, as a spreadsheet saves it, one row at a time.

The file may be UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), plain UTF-8, or GB18030 (what
Chinese Windows writes). Its columns are named like label and text, in English or Chinese, or there
are exactly two unnamed ones, label first. A row is read a line at a time and a line too long to be
a label and a text is refused before more of it is held, so a hostile file cannot take memory.

It does not check labels, drop repeats or build arrays: ``core.data_import`` does.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from typing import Iterator

from core.errors import Skipped, UserError

MAX_ROWS = 20_000  # as many as a zip's entries (core.safe_zip.MAX_ENTRIES): 400 texts for each of 50 classes
MAX_LINE_CHARS = 200_000  # a label and csv's own largest field (131,072 characters) fit; longer is no row
CHUNK_BYTES = 2**16  # the encoding is checked this much at a time
ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")  # a BOM first (Excel's "CSV UTF-8"), then plain, then Chinese Windows
LABEL_HEADERS = frozenset({"label", "labels", "class", "标签", "类别"})
TEXT_HEADERS = frozenset({"text", "review", "sentence", "content", "文本", "评论", "内容"})


def find_encoding(payload: bytes) -> str:
    """The first of ENCODINGS that reads all of ``payload``, checked a chunk at a time: decoding it
    whole could take four times its size (one emoji makes Python store every character in 4 bytes)."""
    for encoding in ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(payload), CHUNK_BYTES):
                decoder.decode(payload[start: start + CHUNK_BYTES])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UserError("error.import.encoding", encodings=", ".join(ENCODINGS))


def read_lines(stream: io.BytesIO, encoding: str) -> Iterator[str]:
    """The lines of ``stream``, endings kept as csv wants them; refuses a line over MAX_LINE_CHARS
    before holding more of it, since no row of a label and a text is that long."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        for number in itertools.count(1):
            line = text.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            if len(line) > MAX_LINE_CHARS:
                raise UserError("error.import.csv_row_long", row=number, max=MAX_LINE_CHARS)
            yield line
    finally:
        text.detach()  # a wrapper closes its stream when it goes; the caller still reads the position


def read_csv_rows(lines: Iterator[str]) -> Iterator[tuple[int, list[str]]]:
    """Each row of the CSV in ``lines`` with its number from 0, at most the header and MAX_ROWS rows."""
    reader = csv.reader(lines)
    try:
        for number, row in enumerate(reader):
            if number > MAX_ROWS:  # the header may take one row
                raise UserError("error.import.too_many_rows", max=MAX_ROWS)
            yield number, row
    except csv.Error as exc:  # an unclosed quote or a field longer than csv's own limit
        raise UserError("error.import.csv_damaged", row=reader.line_num) from exc


def find_columns(first: list[str]) -> tuple[int, int, bool]:
    """The label column, the text column, and whether ``first`` is a header naming them."""
    names = [cell.strip().lower() for cell in first]
    label = next((i for i, name in enumerate(names) if name in LABEL_HEADERS), None)
    text = next((i for i, name in enumerate(names) if name in TEXT_HEADERS), None)
    if label is not None and text is not None:
        return label, text, True
    if len(first) == 2 and label is not None:
        return label, 1 - label, True
    if len(first) == 2 and text is not None:
        return 1 - text, text, True
    if len(first) == 2:
        return 0, 1, False
    raise UserError("error.import.csv_columns", columns=", ".join(cell.strip() for cell in first[:10]))


def read_row(row: list[str], label_column: int, text_column: int, has_header: bool) -> tuple[str, str]:
    """The label and the text of ``row``, stripped; ``Skipped`` when either is empty or, without a
    header, the row does not have exactly two cells."""
    cells = [cell.strip() for cell in row]
    if any(cells) and not has_header and len(cells) != 2:
        raise Skipped("import.skip.columns")  # without names, a third cell leaves the text ambiguous
    label, text = (cells[column] if column < len(cells) else "" for column in (label_column, text_column))
    if not label or not text:
        raise Skipped("import.skip.empty")
    return label, text
