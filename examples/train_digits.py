"""Train an MLP and a small CNN on scikit-learn's bundled digits with mg: the end-to-end demo.

Everything a real training run has, on 8x8 images that need no download: seeded weights and
shuffling, mini-batches, SGD with momentum, a tqdm progress bar, test accuracy per epoch, a
matplotlib plot of the curves, safetensors checkpoints (reloaded and re-checked), and a graphviz
drawing of one small expression's graph. Outputs go to ``runs/`` (or the folder given as the
first argument). Exits with status 1 if a loss turns NaN or a model ends below MIN_ACCURACY.
"""

from __future__ import annotations

import math
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import matplotlib

matplotlib.use("Agg")  # files only: the demo must run on machines without a display
import matplotlib.pyplot as plt
import mg_autograd as ag
import numpy as np
from mg_autograd import nn, optim
from mg_autograd.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from tqdm import tqdm

SEED: Final = 0
BATCH_SIZE: Final = 64
MIN_ACCURACY: Final = 0.92


@dataclass
class History:
    """Per-epoch mean training loss and test accuracy of one model."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


def digits() -> tuple[ag.Tensor, ag.Tensor, ag.Tensor, ag.Tensor]:
    """The 1,797 digits as float32 pixels in [0, 1] and int64 labels, split 80/20 (stratified)."""
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        (x / 16.0).astype(np.float32), y.astype(np.int64),
        test_size=0.2, random_state=SEED, stratify=y,
    )  # fmt: skip
    return ag.tensor(x_train), ag.tensor(y_train), ag.tensor(x_test), ag.tensor(y_test)


def mlp() -> nn.Module:
    """64-128-10, the network of the issue's benchmark."""
    return nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn() -> nn.Module:
    """Two 3x3 convolutions with max pooling, then a linear classifier: (N, 64) -> (N, 10)."""
    return nn.Sequential(
        Reshape((1, 8, 8)),
        nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8 x 4 x 4
        nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16 x 2 x 2
        nn.Flatten(), nn.Linear(64, 10),
    )  # fmt: skip


class Reshape(nn.Module):
    """Reshape each sample (the batch axis stays): flat pixels to images for the CNN."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = shape

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return x.reshape((x.shape[0], *self.shape))

    def extra_repr(self) -> str:
        return f"shape={self.shape}"


def accuracy(model: nn.Module, x: ag.Tensor, y: ag.Tensor) -> float:
    """Fraction of samples whose largest logit is the label."""
    model.eval()
    with ag.no_grad():
        predicted = model(x).numpy().argmax(axis=1)
    model.train()
    return float((predicted == y.numpy()).mean())


def train(
    name: str, model: nn.Module, data: tuple[ag.Tensor, ...], epochs: int, lr: float
) -> History:
    """SGD with momentum on cross-entropy; prints test accuracy after every epoch."""
    x_train, y_train, x_test, y_test = data
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=BATCH_SIZE, shuffle=True,
                        seed=SEED)  # fmt: skip
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    history = History()
    for epoch in range(1, epochs + 1):
        total = 0.0
        for xb, yb in tqdm(loader, desc=f"{name} epoch {epoch}/{epochs}", leave=False):
            loss = nn.functional.cross_entropy(model(xb), yb)
            value = loss.item()
            if not math.isfinite(value):
                sys.exit(f"{name}: the loss became {value} in epoch {epoch}; stopping")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += value
        history.loss.append(total / len(loader))
        history.accuracy.append(accuracy(model, x_test, y_test))
        print(f"{name} epoch {epoch:2d}: loss {history.loss[-1]:.4f}, "
              f"test accuracy {history.accuracy[-1]:.4f}")  # fmt: skip
    return history


def checkpoint(name: str, model: nn.Module, fresh: Callable[[], nn.Module], runs: Path,
               data: tuple[ag.Tensor, ...]) -> float:  # fmt: skip
    """Save the weights as safetensors, load them into a new model, return its test accuracy."""
    path = runs / f"{name}.safetensors"
    ag.save(model.state_dict(), path)
    restored = fresh()
    restored.load_state_dict(ag.load(path))
    return accuracy(restored, data[2], data[3])


def plot(histories: dict[str, History], path: Path) -> None:
    """Training loss and test accuracy per epoch, one line per model."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for name, h in histories.items():
        epochs = range(1, len(h.loss) + 1)
        left.plot(epochs, h.loss, marker="o", label=name)
        right.plot(epochs, h.accuracy, marker="o", label=name)
    left.set(title="training loss (cross-entropy)", xlabel="epoch", yscale="log")
    right.set(title="test accuracy", xlabel="epoch", ylim=(0.0, 1.0))
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("mg on scikit-learn digits")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def draw_graph(runs: Path) -> Path:
    """The graph of one small expression, as graphviz source (and SVG if `dot` is installed)."""
    a = ag.tensor([1.0, -2.0], requires_grad=True)
    b = ag.tensor([3.0, 0.5], requires_grad=True)
    out = (a * b + a).relu().sum()
    out.backward()
    graph = ag.draw_dot(out)
    source = runs / "graph.dot"
    source.write_text(graph.source)
    if shutil.which("dot") is None:
        return source
    import graphviz  # imported here: rendering is optional, the .dot file is the result

    return Path(graphviz.Source(graph.source).render(runs / "graph", format="svg", cleanup=True))


def main(runs: Path) -> int:
    runs.mkdir(parents=True, exist_ok=True)
    data = digits()
    print(f"digits: {data[0].shape[0]} training and {data[2].shape[0]} test images of 8x8")
    models: dict[str, tuple[Callable[[], nn.Module], int, float]] = {
        "mlp": (mlp, 10, 0.05),
        "cnn": (cnn, 10, 0.05),
    }
    histories: dict[str, History] = {}
    ok = True
    for name, (build, epochs, lr) in models.items():
        ag.manual_seed(SEED)
        model = build()
        histories[name] = train(name, model, data, epochs, lr)
        restored = checkpoint(name, model, build, runs, data)
        final = histories[name].accuracy[-1]
        print(f"{name}: final test accuracy {final:.4f}; reloaded from "
              f"{runs / (name + '.safetensors')}: {restored:.4f}")  # fmt: skip
        ok = ok and final >= MIN_ACCURACY and restored == final
    plot(histories, runs / "digits_curves.png")
    print(f"wrote {runs / 'digits_curves.png'} and {draw_graph(runs)}")
    if not ok:
        print(f"a model ended below {MIN_ACCURACY} test accuracy (or its checkpoint disagreed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("runs")))
