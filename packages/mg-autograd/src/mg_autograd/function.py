"""The Function/ctx contract: one differentiable op = one `Function` subclass.

A subclass pairs a static ``forward(ctx, *args)`` on `mg_core` tensors with a static
``backward(ctx, *grads)`` that returns one gradient per forward argument. `Function.apply` is the
only place the graph grows: it unwraps `mg_autograd.Tensor` arguments, runs ``forward`` and, when
grad mode is on and some argument requires grad, attaches a `Node` to the result.
"""

from __future__ import annotations

import itertools
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar, Final, TypeAlias

import mg_core as core

# The ContextVars themselves: apply runs once per op, and a function call around .get() shows.
from mg_autograd.grad_mode import _ANOMALY, _GRAD_ENABLED

__all__ = ["NODE_DEFAULTS", "Context", "Function", "Gradients", "Hook", "Node", "VersionCounter"]

#: What ``backward`` may return: one gradient (or None) per forward argument. A Function with a
#: single argument may return the bare gradient instead of a 1-tuple.
Gradients: TypeAlias = core.Tensor | tuple[core.Tensor | None, ...] | None
#: A gradient hook (`Tensor.register_hook`): gets the gradient, may return a replacement.
Hook: TypeAlias = "Callable[[Tensor], Tensor | None]"

FREED_MESSAGE: Final = (
    "Trying to backward through the graph a second time (or to read saved tensors after they "
    "were freed). Saved tensors are freed when you call .backward(); call "
    ".backward(retain_graph=True) the first time if you need to backward through the graph again."
)

#: Numbers nodes in creation order (`Node.seq`); see Note [Rebased tensors] in docs/autograd.md.
_next_seq: Final = itertools.count(1).__next__


class VersionCounter:
    """How many times a tensor's data was modified in place; shared by a tensor and its views.

    Saving a tensor for backward records the count; backward raises if it changed since.
    """

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class Context:
    """Carry what ``backward`` needs from ``forward`` (PyTorch's ``ctx``).

    Tensors go through `save_for_backward` only, so the engine can free them after backward;
    other values (shapes, constants) may be stored as plain attributes, e.g. ``ctx.exponent = 2``.
    ``needs_input_grad[i]`` says whether forward argument ``i`` needs a gradient.

    >>> import mg_core as core
    >>> ctx = Context((True, False))
    >>> ctx.save_for_backward(core.asarray([1.0, 2.0]))
    >>> len(ctx.saved_tensors), ctx.needs_input_grad
    (1, (True, False))
    """

    __slots__ = ("__dict__", "_saved", "_versions", "needs_input_grad")
    #: Set (on the instance) by `free_saved`; a class default costs nothing per op.
    _freed: bool = False

    def __init__(self, needs_input_grad: tuple[bool, ...] = ()) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple[core.Tensor, ...] = ()
        # Flat triples (argument index, version counter, its value at save time), one per
        # argument whose data was saved; see Node.check_versions.
        self._versions: Sequence[object] = ()

    def save_for_backward(self, *tensors: core.Tensor) -> None:
        """Keep ``tensors`` (mg_core tensors) for backward; call at most once, in forward."""
        for t in tensors:
            if type(t) is not _CORE_TENSOR and not isinstance(t, _CORE_TENSOR):
                raise TypeError(
                    f"save_for_backward takes mg_core tensors, got {type(t).__name__}; "
                    "store other values as ctx attributes"
                )
        self._saved = tensors

    @property
    def saved_tensors(self) -> tuple[core.Tensor, ...]:
        """The tensors given to `save_for_backward`, in order.

        Raises:
            RuntimeError: if backward already freed them (see ``retain_graph``).
        """
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        return self._saved

    @property
    def is_freed(self) -> bool:
        """Whether a backward pass without ``retain_graph=True`` already ran through this node."""
        return self._freed

    def free_saved(self) -> None:
        """Drop the saved tensors (the engine calls this after the node's backward)."""
        self._saved = ()
        self._versions = ()
        self._freed = True

    if TYPE_CHECKING:
        # Users store non-tensor values as attributes (ctx.shape = ...), as in PyTorch.
        def __setattr__(self, name: str, value: object) -> None: ...

    def __getattr__(self, name: str) -> object:
        # Only reached when normal lookup fails: explain the contract instead of a bare miss.
        raise AttributeError(
            f"Context has no attribute {name!r}; set it in forward (ctx.{name} = ...) "
            "before reading it in backward"
        )


class Node(Context):
    """One recorded `Function` call: the function, its differentiable inputs, and its ctx.

    It is what ``Tensor.grad_fn`` holds, and it is also the ``ctx`` that ``forward`` and
    ``backward`` receive (as in PyTorch): one object per op instead of two. ``inputs[i]`` is the
    i-th forward argument if it is a Tensor that requires grad, else None: the engine never walks
    a None edge (graph pruning).
    """

    __slots__ = ("__weakref__", "function", "inputs", "seq")

    #: How many live nodes `Tensor.__setitem__` rebased a tensor onto; while 0, the engine
    #: skips its stale-edge pass (Note [Rebased tensors]).
    rebases: ClassVar[int] = 0
    # Rarely set, so class defaults (an instance sets its own when needed) rather than slots
    # written for every op.
    #: Hooks registered on the node's output tensor (`Tensor.register_hook`), in order.
    hooks: list[Hook] | None = None
    #: Where forward ran, recorded only under `detect_anomaly` (else the empty string).
    trace: str = ""

    def __init__(
        self,
        function: type[Function],
        needs_input_grad: tuple[bool, ...],
        inputs: tuple[Tensor | None, ...] = (),
    ) -> None:
        # Context's fields, set here rather than through Context.__init__ (a call per op).
        # Function's fast paths build nodes with `_new_node` instead: keep the two in step.
        self.needs_input_grad = needs_input_grad
        self._saved = ()
        self._versions = ()
        self.function = function
        self.inputs = inputs  # set by Function.apply once forward has run
        #: Creation order: an edge to a tensor rebased after this node was made is stale.
        self.seq = _next_seq()

    @property
    def ctx(self) -> Node:
        """The node itself: it is the ctx its forward and backward get."""
        return self

    def check_versions(self) -> None:
        """Raise if a tensor saved for backward was modified in place since it was saved.

        ``ctx._versions`` holds (argument index, argument, its version) for the Tensor
        arguments of an op that saved something; only those whose data was saved count.

        Raises:
            RuntimeError: naming the op, the argument and both version numbers.
        """
        versions = self._versions
        saved = self._saved
        for k in range(0, len(versions), 3):
            i, tensor, saved_at = versions[k : k + 3]
            assert isinstance(tensor, Tensor)
            if tensor._version != saved_at and any(t is tensor.data for t in saved):
                raise RuntimeError(
                    f"one of the tensors needed by {self.name()} (argument {i}) was modified by "
                    f"an in-place operation: it is at version {tensor._version}, but was at "
                    f"version {saved_at} when saved; don't modify it in place before backward "
                    "(or modify a copy)"
                )

    def name(self) -> str:
        """Return PyTorch-style ``<Op>Backward``, e.g. ``MulBackward``."""
        return f"{self.function.__name__}Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"


class Function:
    """Base class of differentiable ops: subclass it with static ``forward`` and ``backward``.

    ``forward(ctx, *args)`` gets `mg_core` tensors where the caller passed `mg_autograd.Tensor`
    (other arguments unchanged) and returns one `mg_core.Tensor`. ``backward(ctx, *grads)`` gets
    the gradient of the output and returns one gradient per forward argument, None where
    ``ctx.needs_input_grad`` is False or the argument is not a tensor. Call it via `apply`.

    >>> import mg_core as core
    >>> import mg_autograd as ag
    >>> class Cube(ag.Function):
    ...     @staticmethod
    ...     def forward(ctx: ag.Context, x: core.Tensor) -> core.Tensor:
    ...         ctx.save_for_backward(x)
    ...         return x * x * x
    ...
    ...     @staticmethod
    ...     def backward(ctx: ag.Context, grad: core.Tensor) -> core.Tensor:
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x * x
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y
    tensor([1., 8.], grad_fn=<CubeBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([ 3., 12.])
    """

    forward: ClassVar[Callable[..., core.Tensor]]
    backward: ClassVar[Callable[..., Gradients]]
    #: True if forward returns a view of its first argument: the output then shares the
    #: argument's version counter, so an in-place change through either is seen by both.
    is_view: ClassVar[bool] = False
    #: True if forward writes into its first argument's data and the result replaces that
    #: tensor in the graph (`Tensor.__setitem__`); see Note [Rebased tensors].
    rebases_input: ClassVar[bool] = False

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        for name in ("forward", "backward"):
            method = cls.__dict__.get(name)
            if method is not None and not isinstance(method, staticmethod):
                raise TypeError(f"{cls.__name__}.{name} must be a @staticmethod taking ctx first")

    @classmethod
    def apply(cls, *args: object) -> Tensor:
        """Run ``forward`` on the unwrapped arguments and record the graph node if needed.

        A node is recorded only if grad mode is on, some argument is a Tensor that requires
        grad, and the output is floating point.

        Raises:
            TypeError: if ``forward`` does not return an `mg_core.Tensor`.
        """
        # Runs once per op, so it is kept lean (every line here shows in a profile). The ctx is
        # the Node itself (one object per op), recorded in the graph only when needed. Three
        # shapes of call, each with its own path (Note [Recording cost] in docs/autograd.md).
        x = args[0] if args else None
        if isinstance(x, Tensor):
            if len(args) == 2 and isinstance(args[1], Tensor) and not cls.is_view:
                return cls.apply_pair(x, args[1])  # arithmetic
            if _plain(args):
                return cls.apply_first(*args)  # unary ops, reductions, views
        return cls._apply_generic(args)

    @classmethod
    def apply_first(cls, x: object, *options: object) -> Tensor:
        """`apply` for a Tensor followed by options that are not Tensors (axes, shapes, numbers).

        Unary ops, reductions and views call it directly; it skips apply's argument sorting.
        An ``x`` that is not a Tensor goes through `apply`. Passing a Tensor among ``options``
        is a bug (its gradient would be lost): use `apply`.

        >>> from mg_autograd.ops.reduction import Sum
        >>> import mg_autograd as ag
        >>> Sum.apply_first(ag.tensor([1.0, 2.0], requires_grad=True), None, False)
        tensor(3., grad_fn=<SumBackward>)
        """
        n = len(options)
        if not isinstance(x, Tensor) or n >= _MAX_CACHED_ARGS:
            return cls._apply_generic((x, *options))
        rx = x._requires_grad
        node = _new_node(cls, _ONE_TENSOR[n + 1][rx])
        # Spelled out by count: a call with *options costs a third of a microsecond more.
        if n == 0:
            out = cls.forward(node, x.data)
        elif n == 1:
            out = cls.forward(node, x.data, options[0])
        elif n == 2:
            out = cls.forward(node, x.data, options[0], options[1])
        else:
            out = cls.forward(node, x.data, *options)
        if type(out) is not _CORE_TENSOR:
            _check_output(cls, out)
        # Grad mode is read only when the argument requires grad: the only case it matters.
        if rx and out.dtype.kind == "f" and _GRAD_ENABLED.get():
            # Versions matter only to a recorded node that saved something (check_versions);
            # a tensor without a counter is at version 0.
            if node._saved:
                vx = x._vc
                node._versions = (0, x, vx.value if vx else 0)
            node.inputs = (x,) + _NONES[n]
            if _ANOMALY.get():
                node.trace = _creation_trace()
            result = node_output(out, node)
        else:
            result = Tensor(out)
        if cls.is_view:
            _share_version(result, x)
        return result

    @classmethod
    def _apply_generic(cls, args: tuple[object, ...]) -> Tensor:
        """`apply` for any other arguments: Tensors anywhere, or none at all."""
        # One pass over the arguments: the unwrapped ones, and the edges the node will keep.
        core_args: list[object] = []
        edges: list[Tensor | None] = []
        for arg in args:
            if isinstance(arg, Tensor):
                core_args.append(arg.data)
                edges.append(arg if arg._requires_grad else None)
            else:
                core_args.append(arg)
                edges.append(None)
        needs = tuple([edge is not None for edge in edges])
        node = _new_node(cls, needs)
        out = cls.forward(node, *core_args)
        if type(out) is not _CORE_TENSOR:
            _check_output(cls, out)
        if True in needs and out.dtype.kind == "f" and _GRAD_ENABLED.get():
            if node._saved:
                _record_versions(node, args)
            node.inputs = tuple(edges)
            if _ANOMALY.get():
                node.trace = _creation_trace()
            result = node_output(out, node)
        else:
            result = Tensor(out)
        if cls.is_view:
            first = args[0] if args else None
            assert isinstance(first, Tensor), "a view Function takes the viewed tensor first"
            _share_version(result, first)
        return result

    @classmethod
    def apply_pair(cls, x: Tensor, y: Tensor) -> Tensor:
        """`apply` for exactly two Tensor arguments: the binary operators call it directly.

        The same result as ``cls.apply(x, y)`` for a Function that is not a view, with none of
        the argument sorting (about 0.5 us less per op: Note [Recording cost] in
        docs/autograd.md).

        >>> from mg_autograd.ops.elementwise import Mul
        >>> import mg_autograd as ag
        >>> Mul.apply_pair(ag.tensor([2.0], requires_grad=True), ag.tensor([3.0]))
        tensor([6.], grad_fn=<MulBackward>)
        """
        rx = x._requires_grad
        ry = y._requires_grad
        node = _new_node(cls, _PAIR_NEEDS[rx][ry])
        out = cls.forward(node, x.data, y.data)
        if type(out) is not _CORE_TENSOR:
            _check_output(cls, out)
        if not (rx or ry) or out.dtype.kind != "f" or not _GRAD_ENABLED.get():
            return Tensor(out)
        if node._saved:
            vx, vy = x._vc, y._vc
            node._versions = (0, x, vx.value if vx else 0, 1, y, vy.value if vy else 0)
        node.inputs = (x if rx else None, y if ry else None)
        if _ANOMALY.get():
            node.trace = _creation_trace()
        return node_output(out, node)


_CORE_TENSOR: Final = core.Tensor  # one global lookup instead of a module attribute per op


#: The Node fields kept as class defaults and set on an instance only when needed (in its
#: __dict__, beside the ctx attributes an op sets).
NODE_DEFAULTS: Final = frozenset({"_freed", "hooks", "trace"})


def _new_node(function: type[Function], needs_input_grad: tuple[bool, ...]) -> Node:
    """A Node as `Node.__init__` makes it, minus ``inputs`` (set once it is recorded): a plain
    function call costs less than the class call."""
    node: Node = _new_object(Node)
    node.needs_input_grad = needs_input_grad
    node._saved = ()
    node._versions = ()
    node.function = function
    node.seq = _next_seq()
    return node


def _check_output(function: type[Function], out: object) -> None:
    """Raise unless ``forward`` returned an mg_core tensor (a subclass is fine)."""
    if not isinstance(out, _CORE_TENSOR):
        raise TypeError(
            f"{function.__name__}.forward must return an mg_core.Tensor, got {type(out).__name__}"
        )


def _creation_trace() -> str:
    """Where the op being recorded was called from (`detect_anomaly` only)."""
    return "".join(traceback.format_stack()[:-2])


def _share_version(view: Tensor, base: Tensor) -> None:
    """Make ``view`` (a view Function's output) share ``base``'s version counter."""
    if base._vc is None:
        base._vc = VersionCounter()
    view._vc = base._vc
    view._base = base


def _plain(args: tuple[object, ...]) -> bool:
    """True if no argument after the first is a Tensor (the first one is)."""
    for arg in args[1:]:  # noqa: SIM110 (a loop: all() over a generator costs twice as much)
        if isinstance(arg, Tensor):
            return False
    return True


# Per argument count n (up to 8): n Nones, and the needs_input_grad tuples of a call whose first
# argument is the only Tensor, indexed by whether it requires grad. Built once: tuples are cheap
# to share, costly to build per op.
_MAX_CACHED_ARGS: Final = 8
#: needs_input_grad of a two-Tensor call, indexed by whether each requires grad.
_PAIR_NEEDS: Final = (((False, False), (False, True)), ((True, False), (True, True)))
_new_object: Final = object.__new__
_NONES: Final = tuple((None,) * n for n in range(_MAX_CACHED_ARGS + 1))
_ONE_TENSOR: Final = (
    (),
    *(((False,) * n, (True, *(False,) * (n - 1))) for n in range(1, _MAX_CACHED_ARGS + 1)),
)


def _record_versions(ctx: Context, args: tuple[object, ...]) -> None:
    """Note the version of each Tensor argument of an op that saved tensors (see Node).

    Every Tensor argument, saved or not: matching saved tensors to arguments would cost more
    per op than `Node.check_versions` filtering in the rare case a version changed. No counter
    is created here: a tensor without one is at version 0, and gets one when written to.
    """
    versions: tuple[object, ...] = ()  # flat (index, tensor, version, ...)
    for i, arg in enumerate(args):
        if isinstance(arg, Tensor):
            counter = arg._vc
            versions += (i, arg, 0 if counter is None else counter.value)
    ctx._versions = versions


# Imported last on purpose (an import cycle): tensor.py imports the ops, which subclass Function,
# so Tensor can only be imported once Function exists; mg_autograd/__init__ imports this module
# before tensor.py. A function-level import in `apply` would cost ~1 us per op.
from mg_autograd.tensor import Tensor, node_output  # noqa: E402
