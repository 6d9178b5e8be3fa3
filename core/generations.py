"""The five generations of neural networks in article 002, as the home page's timeline shows them.

Plain data: the year and paper each generation is dated by, its formula in LaTeX, and the page of
this app where a network of that family trains live. The words (name, key idea, what it could not
do) are translation keys ``generation.<name>.*``. Article 002's own references have wrong authors
and venues in places; the sources here are the original papers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Generation:
    """One generation on the timeline."""

    name: str  # stem of the translation keys generation.<name>.title / .idea / .limit
    year: int  # the year of the paper it is dated by
    source: str  # that paper: authors, year, venue
    formula: str  # the defining equation, LaTeX for st.latex
    page: str  # the page file where a network of this family trains live


GENERATIONS: tuple[Generation, ...] = (
    Generation("perceptron", 1958, "Rosenblatt, 1958, Psychological Review 65(6)",
               r"\hat{y} = \operatorname{step}\left(\mathbf{w}^{\top}\mathbf{x} + b\right),\quad "
               r"\mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}",
               "app_pages/mnist.py"),
    Generation("mlp", 1986, "Rumelhart, Hinton, Williams, 1986, Nature 323",
               r"\mathbf{h} = \sigma\left(W_1\mathbf{x} + \mathbf{b}_1\right),\quad "
               r"\hat{\mathbf{y}} = \operatorname{softmax}\left(W_2\mathbf{h} + \mathbf{b}_2\right),\quad "
               r"W \leftarrow W - \eta\,\frac{\partial L}{\partial W}",
               "app_pages/mnist.py"),
    Generation("cnn", 1989, "LeCun et al., 1989, Neural Computation 1(4); LeNet-5: LeCun, Bottou, Bengio, "
               "Haffner, 1998, Proc. IEEE 86(11)",
               r"(K * X)_{ij} = \sum_{m}\sum_{n} K_{mn}\,X_{i+m,\,j+n},\quad "
               r"\operatorname{pool}(X)_{ij} = \max_{(m,n) \in \text{window}} X_{2i+m,\,2j+n}",
               "app_pages/images.py"),
    Generation("rnn", 1990, "Elman, 1990, Cognitive Science 14(2); LSTM: Hochreiter, Schmidhuber, 1997, "
               "Neural Computation; GRU: Cho et al., 2014, EMNLP",
               r"\mathbf{h}_t = \tanh\left(W\mathbf{x}_t + U\mathbf{h}_{t-1} + \mathbf{b}\right)",
               "app_pages/speech.py"),
    Generation("transformer", 2017, "Vaswani et al., 2017, NeurIPS",
               r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{QK^{\top}}{\sqrt{d_k}}\right)V",
               "app_pages/text.py"),
)


def find_generation(name: str) -> Generation:
    """The generation called ``name``; the first one when no generation has that name."""
    return next((g for g in GENERATIONS if g.name == name), GENERATIONS[0])
