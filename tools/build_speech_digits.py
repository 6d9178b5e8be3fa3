"""Synthesize the bundled spoken-digit corpus ``data/files/speech_digits.npz`` with espeak-ng.

A maintainer's "prepare" step, like ``tools/build_datasets.py``: never run by the app or the tests,
its output is committed. It needs the ``espeak-ng`` program (1.51 made the committed file; Debian
package ``espeak-ng``). Synthesis is deterministic, so the same espeak-ng gives the same file.

    python -m tools.build_speech_digits

Every digit 0..9 is spoken in English (voice ``en-us``) and Mandarin (voice ``cmn-latn-pinyin``,
fed pinyin with tone numbers) by each voice variant in ``VARIANTS`` at each of ``SPEEDS`` and
``PITCHES``. Each clip is resampled from espeak's 22,050 Hz to 8 kHz, trimmed of silence, scaled
to a peak of 0.9, centred in one second, and stored as 8-bit mu-law. The clips are clean:
augmentation happens at training time (``data.speech.augment``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

from data.speech import encode_mu_law
from data.speech_format import CLIP_SAMPLES, LANGUAGES, SAMPLE_RATE, fit_to_clip

OUT_FILE = Path(__file__).resolve().parents[1] / "data" / "files" / "speech_digits.npz"
ESPEAK = "espeak-ng"
ESPEAK_VERSION = "1.51"  # the version data/README.md documents; another one warns, then builds anyway
ESPEAK_RATE = 22_050  # what `espeak-ng --stdout` writes
VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin"}
# cmn-latn-pinyin reads a trailing tone number (ling2 = líng); the plain `cmn` voice in 1.51 reads
# the Han digits 零一七八九 partly with English letter names, so they are not usable.
WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "zh": ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"),
}
# 20 of espeak-ng's 101 variants: distinct spectra (no two closer than ~6 dB in average log spectrum,
# except the two Klatt-synthesizer voices, which stay together in training), no clipping at any
# speed or pitch below. Left out: near copies (klatt6 = klatt, steph2 ≈ steph, miguel ≈ michel,
# croak ≈ m6) and variants that clip (klatt4, steph3, antonio, Andy, ...). See data/README.md.
VARIANTS = ("m1", "m2", "m3", "m4", "m6", "m7", "m8", "travis", "whisper",
            "f1", "f2", "f3", "f4", "f5", "Annie", "linda", "grandma", "steph",
            "klatt", "klatt3")
SPEEDS = (140, 165, 190)  # words per minute (espeak-ng -s): unhurried, default-ish, brisk
PITCHES = (30, 50, 70)  # espeak-ng -p (0..99, 50 = the variant's own pitch): lower, own, higher
FRAME_SECONDS = 0.01  # silence is judged over 10 ms frames
TRIM_DB = 40  # frames this far below the loudest are silence: clean synthesis has nothing else there
TRIM_MARGIN_SECONDS = 0.05  # kept either side so soft onsets and endings ("f" of five) survive
PEAK = 0.9  # the level every clip is scaled to: loud, with the headroom core/audio.py also leaves


def espeak_data_dir() -> Path:
    """The espeak-ng data folder that ``espeak-ng --version`` reports (voices live in it)."""
    version = subprocess.run([ESPEAK, "--version"], capture_output=True, text=True, check=True).stdout
    return Path(version.split("Data at:")[1].strip())


def espeak_version() -> str:
    """The espeak-ng version number, "1.51" for the committed corpus."""
    version = subprocess.run([ESPEAK, "--version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"(\d+\.\d+[\w.-]*)", version).group(1)


def read_variant_group(variant: str, data_dir: Path) -> str:
    """"male" or "female" as the variant's espeak-ng file declares (``gender`` line), else "other"."""
    text = (data_dir / "voices" / "!v" / variant).read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^\s*gender\s+(\w+)", text, flags=re.MULTILINE | re.IGNORECASE)
    group = match.group(1).lower() if match else "other"
    return group if group in ("male", "female") else "other"


def synthesize(voice: str, text: str, speed: int, pitch: int) -> np.ndarray:
    """What espeak-ng says for ``text``: int16 samples at 22,050 Hz."""
    wav = subprocess.run([ESPEAK, "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
                         capture_output=True, check=True).stdout
    # espeak-ng streams to stdout, so the RIFF sizes in its header are placeholders: read after "data".
    return np.frombuffer(wav[wav.index(b"data") + 8:], dtype="<i2")


def trim_silence(signal: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``signal`` from its first to its last frame within ``TRIM_DB`` of the loudest, plus a margin."""
    frame = int(FRAME_SECONDS * sample_rate)
    frames = signal[: len(signal) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-TRIM_DB / 20))
    margin = int(TRIM_MARGIN_SECONDS * sample_rate)
    return signal[max(loud[0] * frame - margin, 0): (loud[-1] + 1) * frame + margin]


def to_clip(samples: np.ndarray) -> tuple[np.ndarray, int]:
    """espeak's int16 output as a model clip (float32, ``CLIP_SAMPLES``), and the trimmed length in samples."""
    signal = resample_poly(samples.astype(np.float64) / 32768, SAMPLE_RATE // 50, ESPEAK_RATE // 50)
    word = trim_silence(signal)
    return fit_to_clip(word * PEAK / np.abs(word).max()), len(word)


def build(out: Path = OUT_FILE, workers: int = os.cpu_count() or 1) -> Path:
    """Synthesize every clip, write ``out`` and print a summary."""
    started = time.perf_counter()
    version = espeak_version()
    if version != ESPEAK_VERSION:
        print(f"warning: espeak-ng {version}, not {ESPEAK_VERSION}: the clips will differ from the documented ones")
    data_dir = espeak_data_dir()
    groups = {variant: read_variant_group(variant, data_dir) for variant in VARIANTS}
    jobs = list(itertools.product(LANGUAGES, VARIANTS, SPEEDS, PITCHES, range(10)))
    with ThreadPoolExecutor(workers) as pool:  # each job waits on its own espeak-ng process
        raw = list(pool.map(lambda job: synthesize(f"{VOICES[job[0]]}+{job[1]}", WORDS[job[0]][job[4]],
                                                   job[2], job[3]), jobs))
    clipped = sum(int(np.any(np.abs(r.astype(np.int32)) >= 32767)) for r in raw)
    clips, lengths = zip(*(to_clip(r) for r in raw))
    language, variant, speed, pitch, digit = (np.array(column) for column in zip(*jobs))
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, clips=encode_mu_law(np.stack(clips)), digit=digit.astype(np.uint8), language=language,
        variant=variant, group=np.array([groups[v] for v in variant]), speed=speed.astype(np.uint16),
        pitch=pitch.astype(np.uint8), text=np.array([WORDS[lang][d] for lang, d in zip(language, digit)]),
        espeak_version=np.array(version), sample_rate=np.array(SAMPLE_RATE))
    print_summary(out, language, variant, groups, np.array(lengths), clipped, time.perf_counter() - started)
    return out


def print_summary(out: Path, language: np.ndarray, variant: np.ndarray, groups: dict[str, str],
                  lengths: np.ndarray, clipped: int, seconds: float) -> None:
    """Print what ``data/README.md`` quotes: size, clips per language and variant, word lengths, time taken."""
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(language)} clips in {seconds:.1f} s")
    for lang in LANGUAGES:
        words = lengths[language == lang] / SAMPLE_RATE
        print(f"  {lang}: {np.sum(language == lang)} clips, trimmed word {words.min():.2f} to {words.max():.2f} s "
              f"(median {np.median(words):.2f} s)")
    for name in VARIANTS:
        words = lengths[variant == name] / SAMPLE_RATE
        print(f"  {name:8s} {groups[name]:6s} {np.sum(variant == name)} clips, median word {np.median(words):.2f} s")
    print(f"  clips espeak-ng clipped at full scale: {clipped}; words longer than a clip: "
          f"{int(np.sum(lengths > CLIP_SAMPLES))}")


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and build the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the .npz file")
    args = parser.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    main()
