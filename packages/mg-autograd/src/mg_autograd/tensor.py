"""The differentiable Tensor: an `mg_core.Tensor` (``.data``) plus autograd metadata."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, TypeAlias

import mg_core as core

from mg_autograd import assign as _assign
from mg_autograd import inplace as _inplace
from mg_autograd import views as _views
from mg_autograd._format import format_data
from mg_autograd.function import VersionCounter
from mg_autograd.hooks import RemovableHandle
from mg_autograd.methods import FunctionalMethods
from mg_autograd.ops.elementwise import Add, Cast, Div, Mul, Neg, Pow, Sub
from mg_autograd.ops.linalg import MatMul
from mg_autograd.ops.reduction import Sum, normalize_axes

if TYPE_CHECKING:
    # NumPy is optional (only `Tensor.numpy` uses it), so it may be missing where mypy runs.
    import numpy  # type: ignore[import-not-found, unused-ignore]
    from numpy.typing import NDArray  # type: ignore[import-not-found, unused-ignore]

    from mg_autograd.function import Hook, Node

__all__ = [
    "ArrayInterface",
    "Axis",
    "NestedList",
    "Operand",
    "Tensor",
    "TensorData",
    "tensor",
]


#: What arithmetic accepts besides a Tensor: an mg_core tensor (a constant) or a Python number.
Operand: TypeAlias = "Tensor | core.Tensor | float"
#: An axis argument of a reduction.
Axis: TypeAlias = "int | tuple[int, ...] | None"
#: What `tolist` returns: a Python number for a 0-d tensor, else nested lists of numbers.
NestedList: TypeAlias = "int | float | list[NestedList]"


def _float_only(dtype: core.DType) -> TypeError:
    return TypeError(
        f"only floating-point tensors can require gradients, got dtype {dtype.name}; "
        "pass dtype=mg_core.float32 or float64"
    )


class Tensor(FunctionalMethods):
    """A tensor that records the operations applied to it, so `backward` can differentiate.

    ``data`` is the underlying `mg_core.Tensor`. Leaves (no ``grad_fn``) that require grad get
    their gradient accumulated into ``grad`` by `backward`. Build one with `tensor`.

    >>> import mg_autograd as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y
    tensor(14., grad_fn=<SumBackward>)
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = (
        "__weakref__",
        "_base",
        "_grad_fn",
        "_hooks",
        "_requires_grad",
        "_vc",
        "data",
        "grad",
    )

    def __init__(self, data: core.Tensor, requires_grad: bool = False) -> None:
        if not isinstance(data, core.Tensor):
            raise TypeError(
                f"Tensor wraps an mg_core.Tensor, got {type(data).__name__}; "
                "use mg_autograd.tensor(...) to build one from Python data"
            )
        self.data = data
        self.grad: Tensor | None = None
        self._grad_fn: Node | None = None
        self._requires_grad = False
        self._vc: VersionCounter | None = None  # see `_version`
        self._hooks: list[Hook] | None = None  # a leaf's hooks; a non-leaf's are on its node
        self._base: Tensor | None = None  # the tensor this one views (set by view Functions)
        if requires_grad:
            self.requires_grad = True

    @property
    def requires_grad(self) -> bool:
        """Whether gradients flow to (or through) this tensor."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if value and self.data.dtype.kind != "f":
            raise _float_only(self.data.dtype)
        if not value and self._grad_fn is not None:
            raise RuntimeError(
                "requires_grad can only be turned off on leaf tensors; use detach() instead"
            )
        self._requires_grad = value

    @property
    def _version(self) -> int:
        """How many in-place writes this tensor (or a view sharing its memory) has had.

        The counter is created on demand (by an in-place write, a view, or an op saving this
        tensor for backward); until then the version is 0. See `VersionCounter`.

        >>> x = tensor([1.0])
        >>> x._version, x.add_(1.0)._version
        (0, 1)
        """
        return 0 if self._vc is None else self._vc.value

    def _counter(self) -> VersionCounter:
        if self._vc is None:
            self._vc = VersionCounter()
        return self._vc

    @property
    def grad_fn(self) -> Node | None:
        """The graph node that produced this tensor, or None for a leaf."""
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        """Whether this tensor was created by the user rather than by a recorded operation."""
        return self._grad_fn is None

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` in place and return self.

        >>> tensor([1.0]).requires_grad_()
        tensor([1.], requires_grad=True)
        """
        self.requires_grad = requires_grad
        return self

    def detach(self) -> Tensor:
        """Return a leaf sharing this tensor's data, cut off from the graph.

        >>> x = tensor([1.0], requires_grad=True)
        >>> (x * 2).detach()
        tensor([2.])
        """
        out = Tensor(self.data)
        out._vc = self._counter()  # same memory, so in-place writes are seen by both
        return out

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        Args:
            gradient: d(loss)/d(self), same shape as self; may be omitted for one element.
            retain_graph: keep saved tensors so backward can run through the graph again;
                defaults to ``create_graph``.
            create_graph: record the backward pass itself, so the gradients it produces
                require grad and can be differentiated again (higher-order derivatives).

        Raises:
            RuntimeError: if self does not require grad, if ``gradient`` is omitted for a
                non-scalar, if the graph was already freed by an earlier backward, if a tensor
                saved for backward was modified in place, or if an op's backward fails.

        >>> x = tensor([3.0], requires_grad=True)
        >>> (x * x).backward(tensor([1.0]))
        >>> x.grad
        tensor([6.])
        >>> x.grad = None
        >>> (x * x * x).sum().backward(create_graph=True)  # dy/dx = 3x**2, keeps its graph
        >>> dydx, x.grad = x.grad, None
        >>> dydx.sum().backward()  # d2y/dx2 = 6x
        >>> x.grad
        tensor([18.])
        """
        # Imported here: the engine imports this module (it builds the leaves' .grad tensors).
        from mg_autograd.engine import backward

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph)

    def register_hook(self, hook: Hook) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed, before it is used.

        If the hook returns a Tensor, that replaces the gradient (same shape); None keeps it.
        On a leaf, hooks run before the gradient is accumulated into ``.grad``.

        Raises:
            RuntimeError: if this tensor does not require grad.

        >>> x = tensor([1.0, 2.0], requires_grad=True)
        >>> handle = x.register_hook(lambda g: g * 10)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([20., 40.])
        >>> handle.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._grad_fn is not None:
            if self._grad_fn.hooks is None:
                self._grad_fn.hooks = []
            hooks = self._grad_fn.hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    # --- in-place updates (inplace.py): not recorded; they bump the version counter --------

    add_ = _inplace.add_
    mul_ = _inplace.mul_
    zero_ = _inplace.zero_

    @property
    def shape(self) -> tuple[int, ...]:
        """The tensor's shape."""
        return self.data.shape

    @property
    def dtype(self) -> core.DType:
        """The element type, an `mg_core.DType`."""
        return self.data.dtype

    @property
    def ndim(self) -> int:
        """The number of dimensions."""
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements."""
        return self.data.size

    def item(self) -> float | int:
        """Return the single element as a Python number.

        >>> tensor([2.5]).item()
        2.5
        """
        return self.data.item()

    def tolist(self) -> NestedList:
        """Return the elements as (nested) Python lists.

        >>> tensor([[1, 2]]).tolist()
        [[1, 2]]
        """
        return self.data.tolist()

    def numpy(self) -> NDArray[numpy.float32 | numpy.float64 | numpy.int32 | numpy.int64]:
        """Return a NumPy array viewing the data, without a copy (NumPy is imported only here).

        Unlike PyTorch this works on tensors that require grad: like ``.data``, the view is
        outside the graph, so writing through it is not tracked.

        Raises:
            ImportError: if NumPy is not installed.

        >>> tensor([1.0, 2.0], requires_grad=True).numpy()
        array([1., 2.], dtype=float32)
        """
        try:
            import numpy  # here, not at the top: NumPy is optional for mg_autograd
        except ImportError as error:
            raise ImportError("Tensor.numpy() needs NumPy: pip install numpy") from error
        return numpy.asarray(self.data)

    def __repr__(self) -> str:
        extras = [] if self.data.dtype in _DEFAULT_DTYPES else [f"dtype={self.data.dtype.name}"]
        if self._grad_fn is not None:
            extras.append(f"grad_fn={self._grad_fn!r}")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return format_data(self.data, "tensor", extras)

    def _lift(self, other: Operand) -> Tensor:
        """Return ``other`` as a Tensor: a Python number becomes a 0-d constant.

        The constant takes the dtype mg_core gives ``self op scalar`` (NEP 50: a Python number
        is weak), so ``float32 * 2.0`` stays float32.
        """
        if isinstance(other, Tensor):
            return other
        if isinstance(other, core.Tensor):
            return Tensor(other)
        if isinstance(other, (int, float)):
            return Tensor(core.full((), other, dtype=core.result_type(self.data.dtype, other)))
        raise TypeError(f"unsupported operand type for Tensor arithmetic: {type(other).__name__}")

    # `type(other) is Tensor` first: it skips a method call on the common path (once per op);
    # apply_pair skips apply's argument sorting (both operands are Tensors here).
    def __add__(self, other: Operand) -> Tensor:
        return Add.apply_pair(self, other if type(other) is Tensor else self._lift(other))

    def __radd__(self, other: Operand) -> Tensor:
        return Add.apply_pair(self._lift(other), self)

    def __sub__(self, other: Operand) -> Tensor:
        return Sub.apply_pair(self, other if type(other) is Tensor else self._lift(other))

    def __rsub__(self, other: Operand) -> Tensor:
        return Sub.apply_pair(self._lift(other), self)

    def __mul__(self, other: Operand) -> Tensor:
        return Mul.apply_pair(self, other if type(other) is Tensor else self._lift(other))

    def __rmul__(self, other: Operand) -> Tensor:
        return Mul.apply_pair(self._lift(other), self)

    def __truediv__(self, other: Operand) -> Tensor:
        return Div.apply_pair(self, other if type(other) is Tensor else self._lift(other))

    def __rtruediv__(self, other: Operand) -> Tensor:
        return Div.apply_pair(self._lift(other), self)

    def __pow__(self, exponent: float) -> Tensor:
        """Raise to a constant Python exponent (tensor exponents need exp/log, not yet here)."""
        if isinstance(exponent, bool) or not isinstance(exponent, (int, float)):
            raise TypeError(
                f"only constant Python int/float exponents are supported, got "
                f"{type(exponent).__name__}"
            )
        return Pow.apply_first(self, exponent)

    def __neg__(self) -> Tensor:
        return Neg.apply_first(self)

    def __matmul__(self, other: object) -> Tensor:
        """Matrix product (`mg_autograd.matmul`); NumPy's rules for 1-d and batched operands.

        >>> (tensor([[1.0, 2.0]]) @ tensor([[3.0], [4.0]])).item()
        11.0
        """
        if not isinstance(other, (Tensor, core.Tensor)):
            return NotImplemented
        return MatMul.apply_pair(self, self._lift(other))

    def __rmatmul__(self, other: object) -> Tensor:
        if not isinstance(other, (Tensor, core.Tensor)):
            return NotImplemented
        return MatMul.apply_pair(self._lift(other), self)

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (all axes if None), keeping reduced axes as size 1 if ``keepdims``.

        >>> tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0)
        tensor([4., 6.])
        """
        return Sum.apply_first(self, axis, keepdims)

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Average over ``axis``: the sum divided by the number of reduced elements.

        >>> tensor([[1.0, 2.0], [3.0, 5.0]]).mean(axis=1, keepdims=True)
        tensor([[1.5000],
                [4.0000]])
        """
        total = self.sum(axis, keepdims)  # first: mg_core validates `axis`
        count = 1
        for a in normalize_axes(axis, self.data.ndim):
            count *= self.data.shape[a]
        return total / count

    def var(self, axis: Axis = None, keepdims: bool = False, correction: float = 1) -> Tensor:
        """Variance over ``axis``: squared deviations summed, divided by ``n - correction``.

        ``correction=1`` (the default, as in PyTorch) is the unbiased estimate; 0 is NumPy's.

        >>> tensor([1.0, 2.0, 3.0, 4.0]).var()
        tensor(1.6667)
        >>> tensor([1.0, 2.0, 3.0, 4.0]).var(correction=0)
        tensor(1.2500)
        """
        deviation = self - self.mean(axis, keepdims=True)
        count = 1
        for a in normalize_axes(axis, self.data.ndim):
            count *= self.data.shape[a]
        return (deviation * deviation).sum(axis, keepdims) / max(count - correction, 0)

    def std(self, axis: Axis = None, keepdims: bool = False, correction: float = 1) -> Tensor:
        """Standard deviation: the square root of `var` (same arguments).

        >>> tensor([[1.0, 3.0], [2.0, 6.0]]).std(axis=1, correction=0)
        tensor([1., 2.])
        """
        return self.var(axis, keepdims, correction) ** 0.5

    def astype(self, dtype: core.DType) -> Tensor:
        """Return a copy converted to ``dtype``; the gradient is converted back.

        >>> tensor([1.5]).astype(core.float64)
        tensor([1.5000], dtype=float64)
        """
        return Cast.apply_first(self, dtype)

    # --- views (views.py): differentiable, sharing memory and the version counter ----------

    reshape = _views.reshape
    view = _views.view
    broadcast_to = _views.broadcast_to
    expand = _views.expand
    permute = _views.permute
    transpose = _views.transpose
    squeeze = _views.squeeze
    unsqueeze = _views.unsqueeze
    __getitem__ = _views.getitem
    __setitem__ = _assign.setitem  # recorded in place: rebases self onto a SetItem node

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        """Iterate over the first axis; each item is a differentiable view (``self[i]``)."""
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    @property
    def T(self) -> Tensor:
        """The view with all axes reversed.

        >>> tensor([[1.0, 2.0]]).T.shape
        (2, 1)
        """
        return _views.permute(self, tuple(range(self.ndim - 1, -1, -1)))


_DEFAULT_DTYPES = (core.float32, core.int64)


_new_object = object.__new__


def node_output(data: core.Tensor, node: Node) -> Tensor:
    """Build the (non-leaf) output of a recorded Function call: `Tensor.__init__`'s fields
    without its checks (Function.apply made them), as a plain function (cheaper to call than a
    classmethod, and it runs once per recorded op).

    >>> from mg_autograd.function import Node, Function
    >>> node_output(core.asarray([1.0]), Node(Function, (True,))).is_leaf
    False
    """
    out: Tensor = _new_object(Tensor)
    out.data = data
    out.grad = None
    out._requires_grad = True
    out._grad_fn = node
    out._vc = None
    out._hooks = None
    out._base = None
    return out


# Re-exported (and used by this module's doctests); defined in creation.py, which imports Tensor.
from mg_autograd.creation import ArrayInterface, TensorData, tensor  # noqa: E402
