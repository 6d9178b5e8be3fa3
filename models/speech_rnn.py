"""Recurrent networks (RNNs) that recognise a spoken digit, 0 to 9, in English or Mandarin.

A word is a sequence, so the model reads it as one: the waveform becomes a log-mel spectrogram, one
frame of ``mel_bins`` band energies every 10 ms, and a recurrent layer walks along the frames
carrying a hidden state, h_t = f(x_t, h_{t-1}), that summarises everything heard so far. The GRU
(Cho et al., 2014) decides with two gates how much of the old state to keep:

    z_t = σ(W_z x_t + U_z h_{t-1} + b_z)              update gate
    r_t = σ(W_r x_t + U_r h_{t-1} + b_r)              reset gate
    h̃_t = tanh(W_h x_t + r_t ⊙ (U_h h_{t-1}) + b_h)    candidate state (Keras resets after U_h)
    h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ h̃_t              where z_t ≈ 1 the old state is kept

The LSTM (Hochreiter and Schmidhuber, 1997) keeps a separate cell state with three gates; the
bidirectional GRU runs a second GRU from the end of the clip backwards and joins both states; the
CRNN puts two small convolution blocks in front, each filter reading 50 ms of every mel band, which
find short sound patterns (a formant gliding, a burst of noise) before the GRU orders them in time.
Presets: "gru", the recurrent layer of article 001, trained live on the page; "lstm", "bigru" and
"crnn" to compare with it.

Every recurrent layer returns its whole sequence of states, so the look-inside view can show the
last one frame by frame (``inside_model``). The classifier then reads the *average* state over time
("average_over_time"): because the dense layer is affine, its logits are exactly the average of the
logits it gives each frame, so the per-frame probabilities on screen are the votes whose mean is the
answer. (The last step alone would ignore the backward half of the bidirectional GRU, which at the
last frame has heard one frame.) The spectrogram is Keras's own ``MelSpectrogram`` layer, so the
model takes raw 8 kHz samples and nothing outside it computes features.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import keras

from core.errors import UserError
from core.training import Preset, TrainConfig
from data.speech_format import CLIP_SAMPLES, SAMPLE_RATE
from models.speech_layers import SpecAugment

NUM_CLASSES = 10  # the default: spoken digits
MAX_CLASSES = 50  # as many as a class data set may have (core.user_data)
KINDS = ("gru", "lstm", "bigru", "crnn")
UNITS_RANGE = (8, 256)
MAX_LAYERS = 3
MAX_CONV_BLOCKS = 3
CONV_FRAMES = 5  # a conv filter spans 50 ms: about one speech sound
FILTER_RANGE = (4, 128)
MEL_BINS_RANGE = (16, 64)  # below 16 formants blur together; above 64 low bands are narrower than an FFT bin
MAX_DROPOUT = 0.5

FFT_LENGTH = 256  # 32 ms window: a few pitch periods, fine enough to separate formants
HOP = 80  # 10 ms between frames, the usual speech frame rate
FRAMES = 1 + CLIP_SAMPLES // HOP  # 101: Keras pads half a window at each end (center=True)
MIN_FREQ = 50.0  # below it lie mains hum and desk thumps, not speech
DB_FLOOR = -40.0  # quietest level kept, about 76 dB below a full-scale tone: the room's silence
DB_SCALE = 40.0  # dB per unit after scaling: silence → 0, the loudest vowel band of a clip → about 1.7


@dataclass(frozen=True)
class SpeechConfig:
    """Architecture of one spoken-digit classifier."""

    kind: str = "gru"  # recurrent stack, one of KINDS; "crnn" is a GRU behind a conv front end
    units: int = 64  # size of the hidden state h_t of each recurrent layer (per direction)
    layers: int = 1  # recurrent layers stacked, each reading the state sequence of the one below
    dropout: float = 0.0  # fraction of states silenced between layers and before the classifier
    conv_filters: tuple[int, ...] = (32, 32)  # filters of each conv block along time; read by "crnn" only
    spec_augment: bool = False  # silence random runs of frames and mel bins while training
    mel_bins: int = 40  # mel bands per frame, spaced like the ear's pitch resolution
    seed: int | None = None  # seeds the spec-augment masks; None follows keras.utils.set_random_seed
    num_classes: int = NUM_CLASSES  # outputs; follows the data set (a class's own words may be 2 to 50)

    def validate(self) -> None:
        """Raise ``UserError`` naming the first setting out of range."""
        if self.kind not in KINDS:
            raise UserError("error.speech_kind", value=self.kind, allowed=", ".join(KINDS))
        if not 2 <= self.num_classes <= MAX_CLASSES:
            raise UserError("error.num_classes", value=self.num_classes, max=MAX_CLASSES)
        if not UNITS_RANGE[0] <= self.units <= UNITS_RANGE[1]:
            raise UserError("error.units", value=self.units, min=UNITS_RANGE[0], max=UNITS_RANGE[1])
        if not 1 <= self.layers <= MAX_LAYERS:
            raise UserError("error.rnn_layers", value=self.layers, max=MAX_LAYERS)
        if not 0.0 <= self.dropout <= MAX_DROPOUT:
            raise UserError("error.dropout", value=self.dropout, max=MAX_DROPOUT)
        if not MEL_BINS_RANGE[0] <= self.mel_bins <= MEL_BINS_RANGE[1]:
            raise UserError("error.mel_bins", value=self.mel_bins, min=MEL_BINS_RANGE[0], max=MEL_BINS_RANGE[1])
        if self.kind == "crnn":
            if not 1 <= len(self.conv_filters) <= MAX_CONV_BLOCKS:
                raise UserError("error.conv_blocks", value=len(self.conv_filters), max=MAX_CONV_BLOCKS)
            for count in self.conv_filters:
                if not FILTER_RANGE[0] <= count <= FILTER_RANGE[1]:
                    raise UserError("error.filters", value=count, min=FILTER_RANGE[0], max=FILTER_RANGE[1])

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the run store."""
        return {**asdict(self), "conv_filters": list(self.conv_filters)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> SpeechConfig:
        """The config ``to_dict`` gave, also from runs stored before a field existed (it takes its default)."""
        return cls(**{key: tuple(value) if isinstance(value, list) else value for key, value in values.items()})


# Sized for the live demo on two CPU cores: 10 epochs over the 3,180 clean training clips plus one
# augmented copy of each. Batches of 128 at a higher rate run faster on a CPU than batches of 64 and
# reached 97.9 % on the held-out voices in about 80 s, where batches of 64 at 0.003 stopped at 91.9 %
# (docs/BENCHMARKS.md).
TRAIN = TrainConfig(optimizer="adam", learning_rate=8e-3, batch_size=128, epochs=10, cosine_decay=True)

PRESETS: dict[str, Preset] = {
    "gru": Preset(SpeechConfig(kind="gru", units=64), TRAIN, "article 001"),
    "lstm": Preset(SpeechConfig(kind="lstm", units=64), TRAIN, "Hochreiter & Schmidhuber 1997"),
    "bigru": Preset(SpeechConfig(kind="bigru", units=64), TRAIN, "Schuster & Paliwal 1997"),
    "crnn": Preset(SpeechConfig(kind="crnn", units=64, conv_filters=(32, 32)), TRAIN,
                   "Amodei et al. 2016 (Deep Speech 2)"),
}


def build_model(config: SpeechConfig) -> keras.Model:
    """Build an uncompiled model mapping a (CLIP_SAMPLES,) waveform to ``num_classes`` probabilities (the ten digits by default).

    Layers the look-inside view reads: "log_mel" (N, mel_bins, FRAMES) in dB, "mel_frames"
    (N, FRAMES, mel_bins) in dB, "rnn_1" ... "rnn_{layers}" (N, FRAMES, units or 2·units) and
    "probabilities".
    """
    config.validate()
    inputs = keras.Input(shape=(CLIP_SAMPLES,), name="waveform")
    x = keras.layers.MelSpectrogram(
        fft_length=FFT_LENGTH, sequence_stride=HOP, sampling_rate=SAMPLE_RATE, num_mel_bins=config.mel_bins,
        min_freq=MIN_FREQ, max_freq=SAMPLE_RATE / 2, power_to_db=True,
        min_power=10 ** (DB_FLOOR / 10),
        # Keras cuts at (loudest value in the whole batch - top_db), which would make a clip's features
        # depend on its batch mates; min_power sets a fixed floor instead and this cut never reaches it.
        top_db=1000.0, name="log_mel")(inputs)
    x = keras.layers.Permute((2, 1), name="mel_frames")(x)  # Keras gives (mels, time); RNNs read (time, features)
    # A fixed scale, not a per-clip one: subtracting each clip's own band means erased cues on real voices.
    x = keras.layers.Rescaling(1 / DB_SCALE, offset=-DB_FLOOR / DB_SCALE, name="scaled")(x)
    if config.spec_augment:
        x = SpecAugment(max_frames=FRAMES // 10, max_bins=config.mel_bins // 8, seed=config.seed,
                        name="spec_augment")(x)
    if config.kind == "crnn":
        x = _conv_front_end(x, config)
    for i in range(1, config.layers + 1):
        x = _recurrent_layer(config, name=f"rnn_{i}")(x)
        if config.dropout > 0:
            x = keras.layers.Dropout(config.dropout, name=f"dropout_{i}")(x)
    x = keras.layers.GlobalAveragePooling1D(name="average_over_time")(x)
    outputs = keras.layers.Dense(config.num_classes, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="speech_rnn")


def _conv_front_end(x, config: SpeechConfig):
    """Conv blocks along time, each filter spanning CONV_FRAMES frames of every mel bin, so it fires on a
    short spectral pattern (a formant gliding, a burst of noise). "same" padding and no pooling keep
    one output per 10 ms frame, so the GRU and the look-inside view still see every frame."""
    for i, count in enumerate(config.conv_filters, start=1):
        x = keras.layers.Conv1D(count, CONV_FRAMES, padding="same", activation="relu", name=f"conv_{i}")(x)
    return x


def _recurrent_layer(config: SpeechConfig, name: str) -> keras.layers.Layer:
    if config.kind == "lstm":
        return keras.layers.LSTM(config.units, return_sequences=True, name=name)
    if config.kind == "bigru":
        return keras.layers.Bidirectional(keras.layers.GRU(config.units, return_sequences=True), name=name)
    return keras.layers.GRU(config.units, return_sequences=True, name=name)


def find_recurrent_layers(model: keras.Model) -> list[str]:
    """Names of the recurrent layers, "rnn_1" first."""
    names = [layer.name for layer in model.layers if layer.name.startswith("rnn_")]
    return sorted(names, key=lambda name: int(name.split("_")[1]))


def inside_model(model: keras.Model) -> keras.Model:
    """A model sharing ``model``'s weights that maps waveforms to three views of the same FRAMES frames:

    the log-mel frames (N, FRAMES, mel_bins) in dB, the hidden states of the last recurrent layer
    (N, FRAMES, units or 2·units), and the probabilities (N, FRAMES, 10) that the trained
    "probabilities" layer gives each frame's state on its own. Works on a model loaded from ``.keras``.
    """
    frames = model.get_layer("mel_frames").output
    states = model.get_layer(find_recurrent_layers(model)[-1]).output
    per_frame = model.get_layer("probabilities")(states)  # a Dense layer acts on the last axis of each frame
    return keras.Model(model.input, [frames, states, per_frame], name="speech_inside")
