"""Build ``data/files/real_digits/``: 16 recordings of real people saying one English digit each.

A maintainer's "prepare" step, like ``tools/build_datasets.py``: never run by the app or the tests,
its output is committed. It fetches two public packages, checks that they are the versions
``data/README.md`` documents (by SHA-256), and writes 16-bit mono WAV files at their own sample rate,
named ``<digit>_<source>_<n>.wav`` as in the Free Spoken Digit Dataset, plus the licence files that
must travel with them.

    python -m tools.build_real_digits                       # apt-get download + pip download
    python -m tools.build_real_digits --asterisk DIR --pocketsphinx DIR   # or unpacked copies

Sources:

- Debian ``asterisk-core-sounds-en-wav`` 1.6.1-1 (CC BY-SA 3.0): Allison Smith's prompts
  ``digits/0.wav`` … ``9.wav``, one word each, written out unchanged (8 kHz).
- PyPI ``pocketsphinx`` 5.1.1 sdist (BSD-2-Clause): ``test/data/cards/00[2-5].wav``, short phrases
  ("four queen of clubs", "five five", …) from which each digit word is cut by energy (16 kHz).

Not used: the same sdist's ``test/data/tidigits/dhd.2934z.raw``, whose origin is uncertain (see
``data/README.md``). This is not a test set: 16 clips cannot give a reliable accuracy figure.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import soundfile as sf

from core.audio import measure_frame_rms
from tools.build_datasets import fetch_debian_package

OUT_DIR = Path(__file__).resolve().parents[1] / "data" / "files" / "real_digits"
ASTERISK_DEB = "asterisk-core-sounds-en-wav"
ASTERISK_SHA256 = "2be3ea287d83299d143815fa804f11179a75b7affd4a758b98b55f5afc18a35d"  # 1.6.1-1_all.deb
ALLISON_DIGITS = Path("usr/share/asterisk/sounds/en_US_f_Allison/digits")
ASTERISK_COPYRIGHT = Path("usr/share/doc/asterisk-core-sounds-en-wav/copyright")
POCKETSPHINX = "pocketsphinx==5.1.1"
POCKETSPHINX_SHA256 = "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"  # the sdist
POCKETSPHINX_MEMBERS = ("LICENSE", "test/data/cards/")  # all this tool reads from the 34 MB sdist
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SILENCE = "<sil>"

# Each cards recording with its words (package transcript cards.transcription) and where they lie,
# in seconds, from one pocketsphinx 5.0 forced alignment (10 ms frames). The times only say which
# stretch of sound is which word; the cuts themselves are placed by energy (cut_digits).
CARDS = {
    "002.wav": [("four", 0.00, 0.76), ("queen", 0.77, 1.03), ("of", 1.04, 1.18), ("clubs", 1.19, 1.71),
                (SILENCE, 1.72, 1.94)],
    "003.wav": [(SILENCE, 0.00, 0.05), ("seven", 0.06, 0.56), ("of", 0.57, 0.69), ("clubs", 0.70, 1.53)],
    "004.wav": [("five", 0.00, 0.82), ("five", 0.83, 1.23), (SILENCE, 1.24, 1.53)],
    "005.wav": [(SILENCE, 0.00, 0.18), ("eight", 0.19, 0.41), ("of", 0.42, 0.52), ("spades", 0.53, 1.24),
                ("four", 1.25, 1.53), ("of", 1.54, 1.63), ("clubs", 1.64, 2.21), ("seven", 2.22, 2.62),
                ("of", 2.63, 2.73), ("hearts", 2.74, 3.25), (SILENCE, 3.26, 3.48)],
}
NOTICE = """\
Licences of the clips in ../en/ (built by tools/build_real_digits.py; details in data/README.md)

*_asterisk-allison_*.wav
    "digits/0.wav" ... "digits/9.wav" from Asterisk Core Sound Prompts (English) 1.6.1, recorded by
    Allison Smith (http://www.theivrvoice.com), financial contributions by Digium, Inc.; taken from
    Debian's asterisk-core-sounds-en-wav 1.6.1-1 and not modified.
    Licence: Creative Commons Attribution-ShareAlike 3.0 Unported (CC BY-SA 3.0),
    https://creativecommons.org/licenses/by-sa/3.0/ ; full text and credits in
    asterisk-core-sounds-en-wav.copyright (Debian's copyright file; the "Files: *" section applies).

*_pocketsphinx-cards_*.wav
    Single words cut from test/data/cards/002.wav ... 005.wav of the pocketsphinx 5.1.1 source
    distribution (PyPI), Copyright (c) 1999-2016 Carnegie Mellon University.
    Licence: BSD-2-Clause, full text in pocketsphinx-5.1.1.LICENSE.
"""
HOP_SECONDS = 0.01  # energy is measured every 10 ms ...
WINDOW_HOPS = 2  # ... over 20 ms windows, so a short dip between two words still shows
SMOOTH_WINDOWS = 3  # valleys are looked for in energy averaged over 30 ms, so one quiet window is no valley
NOISE_PERCENTILE = 10  # the quietest tenth of a recording is its noise floor
ABOVE_NOISE_DB = 12  # louder than the floor by this much is speech ...
BELOW_PEAK_DB = 40  # ... but never more than this below the loudest window
SEARCH_SECONDS = 0.10  # a word next to silence may start or end this far outside its aligned times
VALLEY_SECONDS = 0.06  # a boundary between two words is moved to the quietest point this close to it
PAD_SECONDS = 0.03  # kept before and after a word that borders silence, for soft onsets ("f" of four)
DURATION_RANGE = (0.2, 1.2)  # a cut outside this is no whole digit ("eight" in 005 comes out 0.18 s)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file at ``path``."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_sha256(path: Path, expected: str) -> None:
    """Stop when a download is not the package version ``data/README.md`` documents."""
    actual = sha256_of(path)
    if actual != expected:
        sys.exit(f"{path.name}: SHA-256 {actual}, expected {expected}. The package changed: check the clips "
                 "against data/README.md before updating the hash in tools/build_real_digits.py.")


def fetch_asterisk(workdir: Path) -> Path:
    """Download and unpack Debian's asterisk-core-sounds-en-wav; return the unpacked root."""
    workdir.mkdir(parents=True, exist_ok=True)
    root = fetch_debian_package(ASTERISK_DEB, workdir)
    check_sha256(next(workdir.glob(f"{ASTERISK_DEB}_*.deb")), ASTERISK_SHA256)
    return root


def fetch_pocketsphinx(workdir: Path) -> Path:
    """Download the pocketsphinx sdist with pip, unpack the files used here; return the unpacked folder."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                    POCKETSPHINX, "-d", str(workdir)], check=True)
    tarball = next(workdir.glob("pocketsphinx-*.tar.gz"))
    check_sha256(tarball, POCKETSPHINX_SHA256)
    with tarfile.open(tarball) as archive:
        top = archive.getnames()[0].split("/")[0]
        wanted = [m for m in archive.getmembers()
                  if any(m.name.startswith(f"{top}/{prefix}") for prefix in POCKETSPHINX_MEMBERS)]
        archive.extractall(workdir, members=wanted, filter="data")
    return workdir / top


def measure_energy_db(samples: np.ndarray, rate: int) -> np.ndarray:
    """Level of int16 ``samples`` in each window, one window every HOP_SECONDS, in dB above one
    quantisation step squared (digital silence is 0 dB)."""
    hop = int(HOP_SECONDS * rate)
    power = np.square(measure_frame_rms(samples.astype(np.float64), hop).astype(np.float64))
    power = power[: len(samples) // hop]  # whole hops only
    window = np.lib.stride_tricks.sliding_window_view(power, WINDOW_HOPS).mean(axis=1)
    return 10 * np.log10(window + 1.0)


def find_valley(smoothed: np.ndarray, frame: int) -> int:
    """The deepest local minimum of ``smoothed`` within VALLEY_SECONDS of ``frame``; ``frame`` if none."""
    reach = round(VALLEY_SECONDS / HOP_SECONDS)
    candidates = range(max(1, frame - reach), min(len(smoothed) - 2, frame + reach) + 1)
    minima = [i for i in candidates if smoothed[i] <= smoothed[i - 1] and smoothed[i] <= smoothed[i + 1]]
    return min(minima, key=lambda i: smoothed[i]) if minima else frame


def cut_digits(samples: np.ndarray, rate: int,
               words: list[tuple[str, float, float]]) -> list[tuple[int, int, int]]:
    """(digit, first sample, one past the last) for each digit word in ``words``.

    A word edge next to silence (or the recording's start or end) goes to the first / last window
    above the speech threshold near the aligned time, then PAD_SECONDS outward; an edge next to another
    word goes to the energy valley between the two.
    """
    energy = measure_energy_db(samples, rate)
    smoothed = np.convolve(energy, np.ones(SMOOTH_WINDOWS) / SMOOTH_WINDOWS, mode="same")
    threshold = max(np.percentile(energy, NOISE_PERCENTILE) + ABOVE_NOISE_DB, energy.max() - BELOW_PEAK_DB)
    hop = int(HOP_SECONDS * rate)
    pad = round(PAD_SECONDS / HOP_SECONDS)

    def to_frame(seconds: float) -> int:
        return int(np.clip(round(seconds / HOP_SECONDS), 0, len(energy) - 1))

    def loud_frames(first: int, last: int) -> np.ndarray:
        return first + np.flatnonzero(energy[first:last + 1] > threshold)

    cuts = []
    for i, (word, start, end) in enumerate(words):
        if word not in DIGIT_WORDS:
            continue
        silence_before = i == 0 or words[i - 1][0] == SILENCE
        silence_after = i == len(words) - 1 or words[i + 1][0] == SILENCE
        if silence_before:
            loud = loud_frames(to_frame(start - SEARCH_SECONDS), to_frame(end))
            left = loud[0] if len(loud) else to_frame(start)
        else:
            left = find_valley(smoothed, to_frame(start))
        if silence_after:
            loud = loud_frames(to_frame(start), to_frame(end + SEARCH_SECONDS))
            right = loud[-1] + 1 if len(loud) else to_frame(end)
        else:
            right = find_valley(smoothed, to_frame(end))
        loud = loud_frames(left, right - 1)
        if len(loud) and silence_before:
            left = max(left, loud[0] - pad)
        if len(loud) and silence_after:
            right = min(right, loud[-1] + 1 + pad)
        # Ends one hop after the last window: a margin the first build (data/README.md) had, kept so clips match.
        cuts.append((DIGIT_WORDS.index(word), left * hop, min(len(samples), (right + WINDOW_HOPS) * hop)))
    return cuts


def read_int16(path: Path) -> tuple[np.ndarray, int]:
    """The first channel of a WAV file as int16 samples, and its sample rate."""
    samples, rate = sf.read(path, dtype="int16", always_2d=True)
    return samples[:, 0], rate


def build(asterisk_root: Path, pocketsphinx_dir: Path, out: Path = OUT_DIR) -> list[Path]:
    """Write every clip and licence file under ``out`` from the unpacked packages; print what was written."""
    clips_dir, licences_dir = out / "en", out / "LICENSES"
    clips_dir.mkdir(parents=True, exist_ok=True)
    licences_dir.mkdir(parents=True, exist_ok=True)
    for old in clips_dir.glob("*.wav"):  # so a changed cut cannot leave a stale clip behind
        old.unlink()
    written, counts = [], Counter()

    def write(digit: int, source: str, samples: np.ndarray, rate: int, origin: str) -> None:
        path = clips_dir / f"{digit}_{source}_{counts[digit, source]}.wav"
        counts[digit, source] += 1
        sf.write(path, samples, rate, subtype="PCM_16")
        written.append(path)
        print(f"{path.name:30s} {len(samples) / rate:5.2f} s  {rate} Hz  <- {origin}")

    for digit in range(10):
        samples, rate = read_int16(asterisk_root / ALLISON_DIGITS / f"{digit}.wav")
        write(digit, "asterisk-allison", samples, rate, f"{ALLISON_DIGITS}/{digit}.wav")
    cards_dir = pocketsphinx_dir / "test" / "data" / "cards"
    for name, words in CARDS.items():
        samples, rate = read_int16(cards_dir / name)
        for digit, start, stop in cut_digits(samples, rate, words):
            seconds = (stop - start) / rate
            where = f"cards/{name} {start / rate:.3f}-{stop / rate:.3f} s"
            if DURATION_RANGE[0] <= seconds <= DURATION_RANGE[1]:
                write(digit, "pocketsphinx-cards", samples[start:stop], rate, where)
            else:
                print(f"left out: {DIGIT_WORDS[digit]} at {where}, {seconds:.2f} s is outside {DURATION_RANGE} s")

    shutil.copyfile(asterisk_root / ASTERISK_COPYRIGHT, licences_dir / "asterisk-core-sounds-en-wav.copyright")
    shutil.copyfile(pocketsphinx_dir / "LICENSE", licences_dir / "pocketsphinx-5.1.1.LICENSE")
    (licences_dir / "README.txt").write_text(NOTICE, encoding="utf-8")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{len(written)} clips, {total / 1e3:.0f} kB in {out}")
    return written


def main(argv: list[str] | None = None) -> None:
    """Parse the command line, fetch what was not given, and build the clips."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asterisk", type=Path,
                        help="an unpacked asterisk-core-sounds-en-wav (the folder holding usr/)")
    parser.add_argument("--pocketsphinx", type=Path, help="an unpacked pocketsphinx-5.1.1 sdist")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where to write en/ and LICENSES/")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        asterisk = args.asterisk or fetch_asterisk(Path(tmp) / "deb")
        pocketsphinx = args.pocketsphinx or fetch_pocketsphinx(Path(tmp) / "sdist")
        build(asterisk, pocketsphinx, args.out)


if __name__ == "__main__":
    main()
