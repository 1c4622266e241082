"""Neural-network layers, losses and initialisers with PyTorch's names (``torch.nn``).

>>> import mg_autograd as ag
>>> from mg_autograd import nn
>>> _ = ag.manual_seed(0)
>>> net = nn.Sequential(nn.Linear(2, 4), nn.Linear(4, 1))
>>> loss = nn.functional.mse_loss(net(ag.tensor([[1.0, 2.0]])), ag.tensor([[0.0]]))
>>> loss.backward()
>>> [p.grad is not None for p in net.parameters()]
[True, True, True, True]
"""

from mg_autograd.nn import functional, init, utils
from mg_autograd.nn.activation import GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Tanh
from mg_autograd.nn.containers import ModuleList, Sequential
from mg_autograd.nn.conv import Conv2d
from mg_autograd.nn.dropout import Dropout
from mg_autograd.nn.embedding import Embedding
from mg_autograd.nn.flatten import Flatten
from mg_autograd.nn.linear import Identity, Linear
from mg_autograd.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from mg_autograd.nn.module import IncompatibleKeys, Module
from mg_autograd.nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm
from mg_autograd.nn.parameter import Parameter
from mg_autograd.nn.pooling import AvgPool2d, MaxPool2d

__all__ = [
    "GELU",
    "AvgPool2d",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
    "utils",
]
