"""Measure the memory that hostile uploads make the app take: tiny files that declare huge pictures,
many channels, or millions of cells.

    python -m tools.hostile_memory              # this checkout
    python -m tools.hostile_memory --root DIR   # another checkout of the app, e.g. an older commit

Each file is handed to the function that reads it, in a fresh Python, and the table gives the growth
of that process's peak resident memory over its peak after the imports (``ru_maxrss``: memory taken
by Pillow and libsndfile counts too), the time, and what the call gave: "ok" or the key of its
error. docs/SECURITY.md quotes the figures; the tests in tests/unit/test_hostile_*.py build the
same files with the functions below and hold the memory under fixed bounds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
import zlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def blank_png(width: int, height: int, colour_type: int = 0, bit_depth: int = 8, rows: int | None = None) -> bytes:
    """A PNG of ``width`` × ``height`` zero pixels, written row by row without holding the image;
    with ``rows``, only that many rows of data follow the header, which still declares ``height``.

    ``colour_type`` 0 is grey, 2 red-green-blue, 6 red-green-blue with alpha.
    """
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    channels = {0: 1, 2: 3, 6: 4}[colour_type]
    row = b"\0" * (1 + width * channels * bit_depth // 8)  # a filter byte, then the pixels
    packer = zlib.compressobj(6)
    data = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def white_jpeg(width: int, height: int) -> bytes:
    """A white JPEG photo of ``width`` × ``height`` pixels."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


def silence(channels: int, rate: int, seconds: int, fmt: str) -> bytes:
    """Silence of many channels, written a second at a time: as Ogg or FLAC, a few dozen KB."""
    import soundfile as sf

    buffer = io.BytesIO()
    with sf.SoundFile(buffer, "w", rate, channels, format=fmt) as out:
        for _ in range(seconds):
            out.write(np.zeros((rate, channels), np.float32))
    return buffer.getvalue()


def wide_csv_rows(rows: int = 20_000, width: int = 2900) -> bytes:
    """``rows`` label,text rows of ``width`` characters, and one emoji in the last, which makes Python
    store every character of a text decoded whole in 4 bytes."""
    return "".join(f"{i % 2},{i} {'x' * width}\n" for i in range(rows)).encode() + "1,😀\n".encode()


# (what, how to make it, the module that reads it, the call)
CASES = [
    ("PNG declaring 100,000 × 100,000 pixels", lambda: blank_png(100_000, 100_000, rows=1), "data.preprocess",
     "decode_upload(payload)"),
    ("PNG 6,300 × 6,300, 16-bit grey", lambda: blank_png(6300, 6300, 0, 16), "data.preprocess",
     "photo_steps(decode_upload(payload))"),
    ("PNG 6,300 × 6,300 with transparency, colour path", lambda: blank_png(6300, 6300, 6), "data.preprocess",
     "colour_photo_steps(decode_upload(payload, colour=True))"),
    ("PNG 5,000,000 × 8", lambda: blank_png(5_000_000, 8), "data.preprocess", "photo_steps(decode_upload(payload))"),
    ("JPEG 6,000 × 6,000", lambda: white_jpeg(6000, 6000), "data.preprocess", "preprocess_upload(payload)"),
    ("Ogg, 32 channels, 48 kHz, 59 s of silence", lambda: silence(32, 48000, 59, "OGG"), "core.audio",
     "prepare_clip(*decode_audio(payload))"),
    ("FLAC, 8 channels, 192 kHz, 59 s", lambda: silence(8, 192000, 59, "FLAC"), "core.audio",
     "prepare_clip(*decode_audio(payload))"),
    ("CSV of 58 MB of commas on one line", lambda: b"label,text\n" + b"," * (58 * 2**20), "core.data_import",
     "import_text_csv(payload)"),
    ("CSV of 20,000 rows of 2,900 characters and one emoji", wide_csv_rows, "core.data_import",
     "import_text_csv(payload)"),
]


def measure(root: Path, module: str, jobs: list[tuple[str, Path]]) -> list[tuple[float, float, str]]:
    """For each (call, payload file) in ``jobs``: the peak memory growth in MB, the seconds, and the
    outcome of ``call`` on the payload, run with ``module``'s names by the code in ``root``.

    One fresh Python imports ``module`` once, then forks a child per call: a child starts with its
    parent's current memory as its peak, so each call is measured alone, without paying for the
    imports again.
    """
    script = textwrap.dedent(f"""
        import json, os, resource, sys, time
        from pathlib import Path
        from core.errors import UserError
        from {module} import *

        def run(call, payload):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            try:
                eval(call)
                outcome = "ok"
            except UserError as error:
                outcome = error.key
            except MemoryError:
                outcome = "MemoryError"
            seconds = time.perf_counter() - start
            return [(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024, seconds, outcome]

        for call, payload_file in json.loads(sys.argv[1]):
            payload = Path(payload_file).read_bytes()
            reading, writing = os.pipe()
            child = os.fork()
            if child == 0:
                os.close(reading)
                os.write(writing, json.dumps(run(call, payload)).encode())
                os._exit(0)
            os.close(writing)
            with os.fdopen(reading) as pipe:
                answer = pipe.read()
            os.waitpid(child, 0)
            print(answer if answer else json.dumps([float("nan"), float("nan"), "crashed"]), flush=True)
        """)
    done = subprocess.run([sys.executable, "-c", script, json.dumps([[call, str(path)] for call, path in jobs])],
                          cwd=root, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(root)})
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return [tuple(json.loads(line)) for line in done.stdout.strip().splitlines()[-len(jobs):]]


def main(argv: list[str] | None = None) -> int:
    """Print one Markdown row per hostile file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the checkout whose code reads the files")
    args = parser.parse_args(argv)
    print("| hostile file | size | peak memory growth | time | outcome |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for number, (what, make, module, call) in enumerate(CASES):
            payload_file = Path(folder) / f"payload{number}"
            payload_file.write_bytes(make())
            [(growth, seconds, outcome)] = measure(args.root.resolve(), module, [(call, payload_file)])
            size = payload_file.stat().st_size / 1024
            print(f"| {what} | {size:,.0f} KB | {growth:,.0f} MB | {seconds:.1f} s | {outcome} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
