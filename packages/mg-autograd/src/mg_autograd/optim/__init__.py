"""Optimizers and learning-rate schedules with PyTorch's names (``torch.optim``).

>>> import mg_autograd as ag
>>> w = ag.nn.Parameter(ag.tensor([3.0]))
>>> opt = ag.optim.SGD([w], lr=0.25)
>>> for _ in range(3):
...     opt.zero_grad()
...     (w * w).sum().backward()
...     opt.step()
>>> w  # each step halves w
Parameter containing:
tensor([0.3750], requires_grad=True)
"""

from mg_autograd.optim import lr_scheduler
from mg_autograd.optim.adam import Adam, AdamW
from mg_autograd.optim.optimizer import Optimizer
from mg_autograd.optim.rmsprop import RMSprop
from mg_autograd.optim.sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler"]
