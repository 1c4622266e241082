"""Built-in differentiable ops, one `Function` subclass each, grouped by family."""

from mg_autograd.ops.elementwise import Add, Cast, Div, Mul, Neg, Pow, Sub
from mg_autograd.ops.linalg import MatMul
from mg_autograd.ops.movement import Expand, Index, Permute, Reshape, Scatter
from mg_autograd.ops.reduction import Sum
from mg_autograd.ops.unbroadcast import sum_to_shape

__all__ = [
    "Add",
    "Cast",
    "Div",
    "Expand",
    "Index",
    "MatMul",
    "Mul",
    "Neg",
    "Permute",
    "Pow",
    "Reshape",
    "Scatter",
    "Sub",
    "Sum",
    "sum_to_shape",
]
