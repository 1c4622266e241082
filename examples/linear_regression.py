"""Fit y = X.w + b by gradient descent with mg_autograd: the smallest end-to-end example.

The data is generated here (seeded), so the run is reproducible and needs no download. There is
no matmul yet, so predictions broadcast: ``(X * w).sum(axis=1) + b`` with ``w`` of shape (3,).
Exits with status 1 if the fit does not converge, so ``nox -s demo`` can fail on it.
"""

from __future__ import annotations

import random
import sys
from typing import Final

import mg_autograd as ag

N_POINTS: Final = 200
TRUE_W: Final = (2.0, -3.5, 1.25)
TRUE_B: Final = 0.5
NOISE: Final = 0.1
STEPS: Final = 200
LEARNING_RATE: Final = 0.1
PRINT_EVERY: Final = 20
PARAM_TOLERANCE: Final = 0.05


def make_data(seed: int = 0) -> tuple[ag.Tensor, ag.Tensor]:
    """Return X of shape (N_POINTS, 3) and y = X.TRUE_W + TRUE_B + Gaussian noise."""
    rng = random.Random(seed)
    rows = [[rng.uniform(-1.0, 1.0) for _ in TRUE_W] for _ in range(N_POINTS)]
    targets = [
        sum(w * x for w, x in zip(TRUE_W, row, strict=True)) + TRUE_B + rng.gauss(0.0, NOISE)
        for row in rows
    ]
    return ag.tensor(rows), ag.tensor(targets)


def fit(x: ag.Tensor, y: ag.Tensor) -> tuple[ag.Tensor, ag.Tensor, list[float]]:
    """Run plain gradient descent on the mean squared error; return w, b and the loss history."""
    w = ag.tensor([0.0] * len(TRUE_W), requires_grad=True)
    b = ag.tensor(0.0, requires_grad=True)
    losses: list[float] = []
    for step in range(STEPS + 1):
        prediction = (x * w).sum(axis=1) + b
        loss = ((prediction - y) ** 2).mean()
        losses.append(float(loss.item()))
        if step % PRINT_EVERY == 0:
            print(f"step {step:4d}  loss {losses[-1]:.6f}")
        loss.backward()
        with ag.no_grad():  # the update itself must not become part of the next graph
            for p in (w, b):
                assert p.grad is not None
                p.data = (p - LEARNING_RATE * p.grad).data
                p.grad = None  # gradients accumulate across backward calls: reset each step
    return w, b, losses


def main() -> int:
    """Fit, report learned vs true parameters, and return 0 only if the fit converged."""
    x, y = make_data()
    w, b, losses = fit(x, y)
    learned = [float(v) for v in w.data] + [float(b.item())]
    truth = [*TRUE_W, TRUE_B]
    print("parameter   learned      true")
    for name, got, want in zip(["w0", "w1", "w2", "b"], learned, truth, strict=True):
        print(f"{name:>9}  {got:8.4f}  {want:8.4f}")
    errors = [abs(got - want) for got, want in zip(learned, truth, strict=True)]
    # Converged: the loss fell to about the noise variance and every parameter is close.
    converged = losses[-1] < 2 * NOISE**2 and max(errors) < PARAM_TOLERANCE
    print(f"final loss {losses[-1]:.6f} (noise variance {NOISE**2:.6f}); converged: {converged}")
    return 0 if converged else 1


if __name__ == "__main__":
    sys.exit(main())
