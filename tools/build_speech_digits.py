"""Synthesize the bundled spoken-digit corpus ``data/files/speech_digits.npz`` with espeak-ng.

A maintainer's "prepare" step, like ``tools/build_datasets.py``: never run by the app or the tests,
its output is committed. It needs three synthesizers from Debian: ``espeak-ng`` (1.51 made the
committed file), ``flite`` and ``festival`` with the voices ``festvox-kallpc16k``, ``festvox-kdlpc16k``
and ``festvox-us-slt-hts``. Synthesis is deterministic, so the same programs give the same file.

    python -m tools.build_speech_digits

Every digit 0..9 is spoken in English (voice ``en-us``) and Mandarin (voice ``cmn-latn-pinyin``,
fed pinyin with tone numbers) by each espeak-ng voice variant in ``VARIANTS`` at each of ``SPEEDS``
and ``PITCHES``. English is also spoken by the flite and Festival voices in ``OTHER_VOICES``: those
are built from recordings of real people (diphones cut from one speaker's speech, or a statistical
model trained on hours of it), so they carry human formants that espeak's rule-made voices lack.
Each clip is resampled to 8 kHz, trimmed of silence, scaled to a peak of 0.9, centred in one second,
and stored as 8-bit mu-law. The clips are clean: augmentation happens at training time
(``data.speech_augment.augment``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

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


@dataclass(frozen=True)
class OtherVoice:
    """An English voice of flite or Festival, built from one real speaker's recordings."""

    engine: str  # "flite" or "festival"
    name: str  # flite -voice NAME, or Festival's (voice_NAME)
    group: str  # "male" or "female": the recorded speaker's
    speaker: str  # the person the voice was made from; two voices of one speaker share a split
    pitches: tuple[int, ...]  # target mean pitch in Hz; (0,) where the voice ignores the setting


MALE_PITCHES = (85, 110, 140)  # Hz: a low, a typical and a high adult male voice
FEMALE_PITCHES = (150, 190, 235)  # Hz: the same for adult female voices
# kal16 and kal_diphone are both Kevin's diphones (flite's and Festival's copies); slt and
# cmu_us_slt_arctic_hts are both made from the CMU ARCTIC speaker slt. rms and the HTS voice keep
# their own pitch: flite's rms ignores int_f0_target_mean, and Festival's HTS voice has no such knob.
OTHER_VOICES = (
    OtherVoice("flite", "kal16", "male", "kal", MALE_PITCHES),
    OtherVoice("flite", "awb", "male", "awb", MALE_PITCHES),
    OtherVoice("flite", "rms", "male", "rms", (0,)),
    OtherVoice("flite", "slt", "female", "slt", FEMALE_PITCHES),
    OtherVoice("festival", "kal_diphone", "male", "kal", MALE_PITCHES),
    OtherVoice("festival", "ked_diphone", "male", "ked", MALE_PITCHES),
    OtherVoice("festival", "cmu_us_slt_arctic_hts", "female", "slt", (0,)),
)
STRETCHES = (85, 100, 120)  # duration in % of the voice's own: brisk, own, unhurried
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


def synthesize_other(voice: OtherVoice, text: str, stretch: int, pitch: int) -> tuple[np.ndarray, int]:
    """What a flite or Festival voice says for ``text``: float samples in [-1, 1] and their sample rate."""
    with tempfile.TemporaryDirectory() as folder:  # both write a complete WAV header only to a named file
        path = os.path.join(folder, "word.wav")
        if voice.engine == "flite":
            command = ["flite", "-voice", voice.name, "-t", text, "--setf", f"duration_stretch={stretch / 100}"]
            if pitch:
                command += ["--setf", f"int_f0_target_mean={pitch}"]
            subprocess.run([*command, "-o", path], capture_output=True, check=True)
        else:
            setup = [f"(voice_{voice.name})", f"(Parameter.set 'Duration_Stretch {stretch / 100})"]
            if pitch:  # the diphone voices' linear-regression intonation model: move its target mean
                setup.append(f"(set! int_lr_params '((target_f0_mean {pitch}) (target_f0_std {pitch // 8}) "
                             "(model_f0_mean 170) (model_f0_std 34)))")
            evals = itertools.chain.from_iterable(("-eval", expression) for expression in setup)
            subprocess.run(["text2wave", "-otype", "riff", *evals, "-o", path], input=text.encode(),
                           capture_output=True, check=True)
        return sf.read(path, dtype="float64")


def trim_silence(signal: np.ndarray, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``signal`` from its first to its last frame within ``TRIM_DB`` of the loudest, plus a margin."""
    frame = int(FRAME_SECONDS * sample_rate)
    frames = signal[: len(signal) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (-TRIM_DB / 20))
    margin = int(TRIM_MARGIN_SECONDS * sample_rate)
    return signal[max(loud[0] * frame - margin, 0): (loud[-1] + 1) * frame + margin]


def to_clip(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """A synthesizer's float output as a model clip (float32, ``CLIP_SAMPLES``), and the trimmed length in samples."""
    step = np.gcd(SAMPLE_RATE, rate)
    signal = resample_poly(samples, SAMPLE_RATE // step, rate // step)
    word = trim_silence(signal)
    return fit_to_clip(word * PEAK / np.abs(word).max()), len(word)


@dataclass(frozen=True)
class Job:
    """One clip to synthesize, with the metadata the corpus stores for it."""

    language: str
    engine: str  # "espeak-ng", "flite" or "festival"
    variant: str  # the voice: an espeak-ng variant ("m1"), or "flite-awb", "festival-ked_diphone", ...
    group: str
    speaker: str  # who the voice was made from; espeak-ng's rule-made variants are their own "speaker"
    speed: int  # espeak-ng: words per minute (-s); flite and Festival: duration in % of the voice's own
    pitch: int  # espeak-ng: -p, 0..99 (50 = own); flite and Festival: target mean in Hz (0 = own)
    digit: int

    @property
    def text(self) -> str:
        return WORDS[self.language][self.digit]


def list_jobs(groups: dict[str, str]) -> list[Job]:
    """Every clip of the corpus, espeak-ng's first, in a fixed order."""
    jobs = [Job(lang, "espeak-ng", variant, groups[variant], variant, speed, pitch, digit)
            for lang, variant, speed, pitch, digit in itertools.product(LANGUAGES, VARIANTS, SPEEDS, PITCHES, range(10))]
    for voice in OTHER_VOICES:
        name = f"{voice.engine}-{voice.name}"
        jobs += [Job("en", voice.engine, name, voice.group, voice.speaker, stretch, pitch, digit)
                 for stretch, pitch, digit in itertools.product(STRETCHES, voice.pitches, range(10))]
    return jobs


def run_job(job: Job) -> tuple[np.ndarray, int]:
    """Synthesize one job: float samples in [-1, 1] and their rate."""
    if job.engine == "espeak-ng":
        raw = synthesize(f"{VOICES[job.language]}+{job.variant}", job.text, job.speed, job.pitch)
        return raw.astype(np.float64) / 32768, ESPEAK_RATE
    voice = next(v for v in OTHER_VOICES if f"{v.engine}-{v.name}" == job.variant)
    return synthesize_other(voice, job.text, job.speed, job.pitch)


def build(out: Path = OUT_FILE, workers: int = os.cpu_count() or 1) -> Path:
    """Synthesize every clip, write ``out`` and print a summary."""
    started = time.perf_counter()
    version = espeak_version()
    if version != ESPEAK_VERSION:
        print(f"warning: espeak-ng {version}, not {ESPEAK_VERSION}: the clips will differ from the documented ones")
    data_dir = espeak_data_dir()
    jobs = list_jobs({variant: read_variant_group(variant, data_dir) for variant in VARIANTS})
    with ThreadPoolExecutor(workers) as pool:  # each job waits on its own synthesizer process
        raw = list(pool.map(run_job, jobs))
    clipped = sum(int(np.any(np.abs(samples) >= 32767 / 32768)) for samples, _ in raw)
    clips, lengths = zip(*(to_clip(samples, rate) for samples, rate in raw))
    column = {name: np.array([getattr(job, name) for job in jobs]) for name in Job.__dataclass_fields__}
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, clips=encode_mu_law(np.stack(clips)), digit=column["digit"].astype(np.uint8),
        language=column["language"], engine=column["engine"], variant=column["variant"], group=column["group"],
        speaker=column["speaker"], speed=column["speed"].astype(np.uint16), pitch=column["pitch"].astype(np.uint16),
        text=np.array([job.text for job in jobs]), espeak_version=np.array(version),
        sample_rate=np.array(SAMPLE_RATE))
    print_summary(out, jobs, np.array(lengths), clipped, time.perf_counter() - started)
    return out


def print_summary(out: Path, jobs: list[Job], lengths: np.ndarray, clipped: int, seconds: float) -> None:
    """Print what ``data/README.md`` quotes: size, clips per language and voice, word lengths, time taken."""
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(jobs)} clips in {seconds:.1f} s")
    language = np.array([job.language for job in jobs])
    variant = np.array([job.variant for job in jobs])
    for lang in LANGUAGES:
        words = lengths[language == lang] / SAMPLE_RATE
        print(f"  {lang}: {np.sum(language == lang)} clips, trimmed word {words.min():.2f} to {words.max():.2f} s "
              f"(median {np.median(words):.2f} s)")
    for name in dict.fromkeys(variant.tolist()):
        chosen = variant == name
        group = next(job.group for job in jobs if job.variant == name)
        print(f"  {name:32s} {group:6s} {np.sum(chosen)} clips, median word {np.median(lengths[chosen]) / SAMPLE_RATE:.2f} s")
    print(f"  clips a synthesizer clipped at full scale: {clipped}; words longer than a clip: "
          f"{int(np.sum(lengths > CLIP_SAMPLES))}")


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and build the corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_FILE, help="where to write the .npz file")
    args = parser.parse_args(argv)
    build(args.out)


if __name__ == "__main__":
    main()
