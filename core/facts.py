"""Published figures the app quotes, each with its source (from the project's FACTS.md).

Plain data: the pages format and translate it; nothing here is measured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelSize:
    """A published model and its parameter count."""

    name: str
    year: int
    params: float  # number of trainable parameters, as reported
    source: str  # who reported it, where


MODEL_SIZES: tuple[ModelSize, ...] = (
    ModelSize("LeNet-5", 1998, 60e3, "LeCun, Bottou, Bengio, Haffner, 1998, Proc. IEEE 86(11)"),
    ModelSize("AlexNet", 2012, 60e6, "Krizhevsky, Sutskever, Hinton, NeurIPS 2012"),
    ModelSize("VGG-16", 2015, 138e6, "Simonyan, Zisserman, ICLR 2015"),
    ModelSize("ResNet-50", 2016, 25.6e6, "He, Zhang, Ren, Sun, CVPR 2016 (count as in Keras Applications)"),
    ModelSize("Transformer base", 2017, 65e6, "Vaswani et al., NeurIPS 2017, Table 3"),
    ModelSize("Transformer big", 2017, 213e6, "Vaswani et al., NeurIPS 2017, Table 3"),
    ModelSize("BERT-base", 2019, 110e6, "Devlin, Chang, Lee, Toutanova, NAACL 2019"),
    ModelSize("BERT-large", 2019, 340e6, "Devlin, Chang, Lee, Toutanova, NAACL 2019"),
    ModelSize("GPT-2", 2019, 1.5e9, "Radford et al., 2019, OpenAI report"),
    ModelSize("GPT-3", 2020, 175e9, "Brown et al., NeurIPS 2020"),
)

GPT3_TRAINING_MWH = 1287  # Patterson et al., 2021, arXiv:2104.10350
GPT3_TRAINING_TCO2E = 552  # same source
GPT3_ENERGY_SOURCE = "Patterson et al., 2021, arXiv:2104.10350"
