"""Built-in differentiable ops, one `Function` subclass each, grouped by family."""

from mg_autograd.ops.elementwise import Add, Div, Mul, Neg, Pow, Sub
from mg_autograd.ops.reduction import Sum
from mg_autograd.ops.unbroadcast import sum_to_shape

__all__ = ["Add", "Div", "Mul", "Neg", "Pow", "Sub", "Sum", "sum_to_shape"]
