"""One epoch of a 64-128-10 MLP on scikit-learn's digits: mg vs PyTorch vs a NumPy loop.

The issue 10 benchmark: batch 64, plain SGD, the same initial weights and the same batch order
for all three, so the time per epoch is comparable and the final test accuracies should agree.
A hand-written NumPy loop (forward, backward and update written out) is the bound to approach:
it has no autograd at all. Every contender runs on one thread: the matrices are tiny (64 x 128),
and idle pool threads that spin (OpenMP's, OpenBLAS's) would steal the 2 cores from whichever
contender runs next. Run with `nox -s bench`; `--rounds N` for steadier medians.
"""

from __future__ import annotations

import os

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before NumPy loads OpenBLAS (see the docstring)

import argparse
from collections.abc import Callable

import mg_autograd as ag
import mg_kernels
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from timing import compare, report

torch.set_num_threads(1)
mg_kernels.set_num_threads(1)

BATCH = 64
LR = 0.1
EPOCHS_FOR_ACCURACY = 10

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
Trainer = tuple[Callable[[], None], Callable[[np.ndarray], np.ndarray]]  # (epoch, predict)


def data() -> Arrays:
    x, y = load_digits(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        (x / 16.0).astype(np.float32), y, test_size=0.2, random_state=0, stratify=y
    )
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)


def initial_weights() -> list[np.ndarray]:
    """PyTorch's default Linear initialisation, drawn once and shared by all contenders."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.Linear(128, 10))
    return [p.detach().numpy().copy() for p in net.parameters()]


def batches(n: int) -> list[np.ndarray]:
    order = np.random.default_rng(0).permutation(n)
    return [order[i : i + BATCH] for i in range(0, n, BATCH)]


def torch_trainer(w: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Trainer:
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    with torch.no_grad():
        for p, value in zip(net.parameters(), w, strict=True):
            p.copy_(torch.from_numpy(value))
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    xs = [torch.from_numpy(x[b]) for b in batches(len(x))]
    ys = [torch.from_numpy(y[b]) for b in batches(len(x))]

    def epoch() -> None:
        for xb, yb in zip(xs, ys, strict=True):
            loss = torch.nn.functional.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    def predict(xt: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return net(torch.from_numpy(xt)).numpy().argmax(axis=1)

    return epoch, predict


def mg_trainer(w: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Trainer:
    net = ag.nn.Sequential(ag.nn.Linear(64, 128), ag.nn.ReLU(), ag.nn.Linear(128, 10))
    net.load_state_dict(
        {name: ag.tensor(value) for name, value in zip(net.state_dict(), w, strict=True)}
    )
    opt = ag.optim.SGD(net.parameters(), lr=LR)
    xs = [ag.tensor(x[b]) for b in batches(len(x))]
    ys = [ag.tensor(y[b]) for b in batches(len(x))]

    def epoch() -> None:
        for xb, yb in zip(xs, ys, strict=True):
            loss = ag.nn.functional.cross_entropy(net(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

    def predict(xt: np.ndarray) -> np.ndarray:
        with ag.no_grad():
            return net(ag.tensor(xt)).numpy().argmax(axis=1)

    return epoch, predict


def numpy_trainer(w: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> Trainer:
    w1, b1, w2, b2 = (v.copy() for v in w)
    xs = [x[b] for b in batches(len(x))]
    ys = [y[b] for b in batches(len(x))]

    def epoch() -> None:
        for xb, yb in zip(xs, ys, strict=True):
            h = xb @ w1.T + b1
            r = np.maximum(h, 0)
            logits = r @ w2.T + b2
            p = np.exp(logits - logits.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1
            g = p / len(yb)  # d loss / d logits of the mean cross-entropy
            gr = (g @ w2) * (h > 0)
            w2[...] -= LR * (g.T @ r)  # in place: the closure keeps its arrays
            b2[...] -= LR * g.sum(axis=0)
            w1[...] -= LR * (gr.T @ xb)
            b1[...] -= LR * gr.sum(axis=0)

    def predict(xt: np.ndarray) -> np.ndarray:
        return (np.maximum(xt @ w1.T + b1, 0) @ w2.T + b2).argmax(axis=1)

    return epoch, predict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    x_train, y_train, x_test, y_test = data()
    w = initial_weights()
    trainers = {
        "torch": torch_trainer(w, x_train, y_train),
        "mg": mg_trainer(w, x_train, y_train),
        "numpy (hand-written)": numpy_trainer(w, x_train, y_train),
    }
    report(
        f"MLP 64-128-10 on digits, one epoch ({len(x_train)} images, batch {BATCH}, SGD), "
        "one thread each",
        compare({name: epoch for name, (epoch, _) in trainers.items()}, args.rounds),
        "torch",
    )
    # Fresh models from the same weights, trained the same number of epochs: same accuracy.
    print(f"  test accuracy after {EPOCHS_FOR_ACCURACY} epochs from the same initial weights:")
    for name, make in (("torch", torch_trainer), ("mg", mg_trainer), ("numpy", numpy_trainer)):
        epoch, predict = make(w, x_train, y_train)
        for _ in range(EPOCHS_FOR_ACCURACY):
            epoch()
        print(f"    {name:<8} {float((predict(x_test) == y_test).mean()):.4f}")


if __name__ == "__main__":
    main()
