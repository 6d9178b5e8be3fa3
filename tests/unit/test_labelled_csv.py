"""A CSV file of labelled texts read a row at a time: its encoding, its columns, and the rows and lines
refused or skipped. The importer built on it is tested in test_data_import.py."""

import io

import pytest

from core import labelled_csv
from core.errors import Skipped, UserError
from core.labelled_csv import find_columns, find_encoding, read_csv_rows, read_lines, read_row


def rows_of(payload: bytes) -> list[tuple[int, list[str]]]:
    lines = read_lines(io.BytesIO(payload), find_encoding(payload))
    try:
        return list(read_csv_rows(lines))
    finally:
        lines.close()  # now, while its stream is open: a refusal's traceback would keep it for the collector


@pytest.mark.parametrize("payload, encoding", [
    ("label,text\n猫,好".encode("utf-8-sig"), "utf-8-sig"),
    ("label,text\n猫,好".encode("utf-8"), "utf-8-sig"),  # which reads UTF-8 without the mark too
    ("label,text\n猫,好".encode("gb18030"), "gb18030"),
])
def test_the_encoding_is_the_first_that_reads_the_whole_file(payload, encoding):
    assert find_encoding(payload) == encoding


@pytest.mark.parametrize("first, columns", [
    (["Text", "Label"], (1, 0, True)),
    (["id", " 标签 ", "评论"], (1, 2, True)),
    (["label", "whatever"], (0, 1, True)),
    (["whatever", "review"], (0, 1, True)),
    (["spam", "win money"], (0, 1, False)),
])
def test_columns_are_found_by_their_names_or_taken_as_label_then_text(first, columns):
    assert find_columns(first) == columns


def test_three_unnamed_columns_are_refused():
    with pytest.raises(UserError) as caught:
        find_columns(["a", "b", "c"])
    assert caught.value.key == "error.import.csv_columns" and caught.value.params["columns"] == "a, b, c"


@pytest.mark.parametrize("row, columns, expected", [
    ([" pos ", " a fine film "], (0, 1, False), ("pos", "a fine film")),
    (["7", "pos", "text", "extra"], (1, 2, True), ("pos", "text")),
    (["pos", "one", "two"], (0, 1, False), "import.skip.columns"),
    (["pos", "  "], (0, 1, False), "import.skip.empty"),
    (["pos"], (0, 1, True), "import.skip.empty"),
])
def test_a_row_gives_its_label_and_text_or_the_reason_it_is_skipped(row, columns, expected):
    if isinstance(expected, tuple):
        assert read_row(row, *columns) == expected
    else:
        with pytest.raises(Skipped) as caught:
            read_row(row, *columns)
        assert caught.value.key == expected


def test_rows_are_numbered_from_zero_with_quoted_commas_and_line_breaks_kept():
    payload = b'label,text\r\npos,"a film, with a comma"\r\nneg,"two\r\nlines"\r\n'
    assert rows_of(payload) == [(0, ["label", "text"]), (1, ["pos", "a film, with a comma"]),
                                (2, ["neg", "two\r\nlines"])]


def test_long_lines_too_many_rows_and_damaged_quoting_are_refused(monkeypatch):
    monkeypatch.setattr(labelled_csv, "MAX_LINE_CHARS", 10)
    with pytest.raises(UserError) as caught:
        rows_of(b"a,b\nlabel,far too long a text\n")
    assert caught.value.key == "error.import.csv_row_long" and caught.value.params["row"] == 2
    monkeypatch.undo()
    monkeypatch.setattr(labelled_csv, "MAX_ROWS", 2)
    assert len(rows_of(b"label,text\na,1\nb,2\n")) == 3  # the header does not count
    with pytest.raises(UserError) as caught:
        rows_of(b"label,text\na,1\nb,2\nc,3\n")
    assert caught.value.key == "error.import.too_many_rows" and caught.value.params["max"] == 2
    monkeypatch.undo()
    with pytest.raises(UserError) as caught:  # an unclosed quote runs on past csv's own field limit
        rows_of(b'label,text\na,"never closed\n' + (b"x" * 1000 + b"\n") * 140)
    assert caught.value.key == "error.import.csv_damaged" and caught.value.params["row"] > 2
