"""`Module`: the base class of layers; it finds parameters, buffers and submodules by attribute.

Assigning a `Parameter` to a module attribute registers it, as does assigning a `Module`;
tensors that are state but not learnable (running statistics) are registered with
`register_buffer`. Everything else (`parameters`, `state_dict`, `to`, `train`) walks those
three registries, in assignment order, as PyTorch does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import NamedTuple, TypeVar

import mg_core as core

from mg_autograd.grad_mode import no_grad
from mg_autograd.nn.parameter import Parameter
from mg_autograd.tensor import Tensor

__all__ = ["IncompatibleKeys", "Module", "assign_data", "subtract_data"]

M = TypeVar("M", bound="Module")


class IncompatibleKeys(NamedTuple):
    """What `Module.load_state_dict` did not match: keys the model has and the checkpoint lacks,
    and keys the checkpoint has that the model does not."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def assign_data(target: Tensor, values: core.Tensor) -> None:
    """Overwrite ``target``'s elements with ``values`` (cast to its dtype), outside the graph.

    The write bumps the version counter, so a backward that saved ``target`` notices.

    >>> import mg_autograd as ag
    >>> t = ag.tensor([1.0, 2.0])
    >>> assign_data(t, core.asarray([3.0, 4.0]))
    >>> t
    tensor([3., 4.])
    """
    target.data[...] = values
    target._counter().value += 1


def subtract_data(target: Tensor, values: core.Tensor) -> None:
    """``target.data -= values`` in place, outside the graph: an optimizer step without a new
    buffer and a copy back. Bumps the version counter like `assign_data`.

    >>> import mg_autograd as ag
    >>> t = ag.tensor([1.0, 2.0])
    >>> subtract_data(t, core.asarray([0.5, 0.5]))
    >>> t
    tensor([0.5000, 1.5000])
    """
    data = target.data
    data -= values  # mg_core writes into data's own buffer
    target._counter().value += 1


def _forward_unimplemented(self: Module, *args: Tensor) -> Tensor:
    raise NotImplementedError(f"{type(self).__name__} has no forward() method")


class Module:
    """Base class of every layer: subclass it, assign parameters and submodules, write `forward`.

    >>> import mg_autograd as ag
    >>> class Scale(ag.nn.Module):
    ...     def __init__(self) -> None:
    ...         super().__init__()
    ...         self.factor = ag.nn.Parameter(ag.tensor([2.0]))
    ...
    ...     def forward(self, x: ag.Tensor) -> ag.Tensor:
    ...         return x * self.factor
    >>> m = Scale()
    >>> m(ag.tensor([1.0, 3.0]))
    tensor([2., 6.], grad_fn=<MulBackward>)
    >>> [name for name, _ in m.named_parameters()]
    ['factor']
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        # object.__setattr__: our __setattr__ reads these registries, so they must exist first.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})

    #: Compute the module's output; subclasses define it (call the module, not forward).
    #: A Callable attribute rather than a method, so subclasses may take any arguments.
    forward: Callable[..., Tensor] = _forward_unimplemented

    def __call__(self, *args: Tensor) -> Tensor:
        return self.forward(*args)

    # --- registration ---------------------------------------------------------------------

    def _registries(self) -> dict[str, object]:
        try:
            return self.__dict__["_parameters"]  # type: ignore[no-any-return]
        except KeyError:
            raise AttributeError(
                f"cannot assign to a {type(self).__name__} before Module.__init__() ran; "
                "call super().__init__() first"
            ) from None

    def __setattr__(self, name: str, value: object) -> None:
        self._registries()
        registries: tuple[dict[str, object], ...] = (
            self._parameters,  # type: ignore[assignment]
            self._buffers,
            self._modules,
        )
        for registry in registries:
            if not _fits(registry, name, value, self):
                del registry[name]
        if isinstance(value, Parameter):
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            self.add_module(name, value)
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer '{name}' must be a Tensor or None, got {_kind(value)}")
            self._buffers[name] = value
        elif name in self._parameters and value is None:
            self._parameters[name] = None
        elif name in self._modules and value is None:
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Tensor | Module:
        # Called only when normal lookup fails, i.e. for registered names.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]  # type: ignore[no-any-return]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (or a None placeholder) under ``name``; same as assigning it.

        >>> m = Module()
        >>> m.register_parameter("w", Parameter(core.zeros((2,), dtype=core.float32)))
        >>> list(m.state_dict())
        ['w']
        """
        self._check_name(name)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign {_kind(param)} as parameter '{name}' (Parameter or None expected)"
            )
        self.__dict__.pop(name, None)
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a non-learnable tensor (e.g. running statistics); it follows `to` and is
        saved in `state_dict` unless ``persistent`` is False.

        >>> import mg_autograd as ag
        >>> m = Module()
        >>> m.register_buffer("count", ag.tensor([0]))
        >>> m.count
        tensor([0])
        """
        self._check_name(name)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"buffer '{name}' must be a Tensor or None, got {_kind(tensor)}")
        self.__dict__.pop(name, None)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child under ``name``; same as assigning it.

        >>> m = Module()
        >>> m.add_module("inner", Module())
        >>> [n for n, _ in m.named_children()]
        ['inner']
        """
        self._check_name(name)
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"cannot assign {_kind(module)} as child module '{name}'")
        self.__dict__.pop(name, None)
        self._modules[name] = module

    def _check_name(self, name: str) -> None:
        self._registries()
        if not isinstance(name, str):
            raise TypeError(f"module attribute names must be str, got {_kind(name)}")
        if not name or "." in name:
            raise KeyError(f"attribute name must be non-empty and contain no '.', got {name!r}")

    # --- traversal ------------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """Yield (dotted name, module) for this module and every descendant, each once.

        >>> from mg_autograd import nn
        >>> [n for n, _ in nn.Sequential(nn.Sequential(nn.Flatten())).named_modules()]
        ['', '0', '0.0']
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(n, m) for n, m in module._modules.items() if m is not None]
            for child_name, child in reversed(children):  # reversed: pop in assignment order
                stack.append((f"{name}.{child_name}" if name else child_name, child))

    def modules(self) -> Iterator[Module]:
        """Yield this module and every descendant, each once."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Yield (name, module) for the direct children, each once."""
        seen: set[int] = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in seen:
                seen.add(id(module))
                yield name, module

    def children(self) -> Iterator[Module]:
        """Yield the direct children, each once."""
        for _, module in self.named_children():
            yield module

    def named_parameters(
        self, prefix: str = "", recurse: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """Yield (dotted name, parameter), each parameter once even if shared.

        >>> from mg_autograd import nn
        >>> [n for n, _ in nn.Sequential(nn.Linear(2, 3)).named_parameters()]
        ['0.weight', '0.bias']
        """
        seen: set[int] = set()
        for name, param in self._named_members("_parameters", prefix, recurse):
            if id(param) not in seen:
                seen.add(id(param))
                assert isinstance(param, Parameter)
                yield name, param

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Yield every parameter once (the list an optimizer takes).

        >>> from mg_autograd import nn
        >>> sum(p.size for p in nn.Linear(4, 3).parameters())
        15
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Yield (dotted name, buffer), each buffer once."""
        seen: set[int] = set()
        for name, buf in self._named_members("_buffers", prefix, recurse):
            if id(buf) not in seen:
                seen.add(id(buf))
                yield name, buf

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Yield every buffer once."""
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def _named_members(
        self, registry: str, prefix: str, recurse: bool
    ) -> Iterator[tuple[str, Tensor]]:
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for module_name, module in modules:
            members: dict[str, Tensor | None] = getattr(module, registry)
            for name, value in members.items():
                if value is not None:
                    yield (f"{module_name}.{name}" if module_name else name), value

    # --- modes and conversions ------------------------------------------------------------

    def train(self: M, mode: bool = True) -> M:
        """Put this module and its descendants in training mode (or evaluation if False).

        >>> from mg_autograd import nn
        >>> net = nn.Sequential(nn.Dropout(0.5))
        >>> net.eval()[0].training
        False
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode) takes a bool, got {_kind(mode)}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self: M) -> M:
        """Put this module and its descendants in evaluation mode; same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Set ``requires_grad`` on every parameter (False freezes the module)."""
        for param in self.parameters():
            param.requires_grad = requires_grad
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's gradient (or zero it in place if ``set_to_none`` is False)."""
        for param in self.parameters():
            if set_to_none:
                param.grad = None
            elif param.grad is not None:
                assign_data(param.grad, core.zeros_like(param.grad.data))

    def apply(self: M, fn: Callable[[Module], None]) -> M:
        """Call ``fn`` on every descendant, then on this module (e.g. to re-initialise weights)."""
        for module in reversed(list(self.modules())):
            fn(module)
        return self

    def to(self: M, dtype: core.DType) -> M:
        """Convert floating-point parameters, gradients and buffers to ``dtype``, in place.

        The same `Parameter` objects are kept, so an optimizer built earlier still holds them.

        >>> from mg_autograd import nn
        >>> nn.Linear(2, 2).to(core.float64).weight.dtype
        mg_core.float64
        """
        if dtype.kind != "f":
            raise TypeError(f"Module.to() takes a floating-point mg_core dtype, got {dtype!r}")
        for tensor in [*self.parameters(), *self.buffers()]:
            if tensor.dtype.kind == "f" and tensor.dtype is not dtype:
                tensor.data = tensor.data.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad.data = tensor.grad.data.astype(dtype)
        return self

    def float(self: M) -> M:
        """Convert floating-point parameters and buffers to float32."""
        return self.to(core.float32)

    def double(self: M) -> M:
        """Convert floating-point parameters and buffers to float64."""
        return self.to(core.float64)

    # --- state_dict -----------------------------------------------------------------------

    def state_dict(self, prefix: str = "") -> dict[str, Tensor]:
        """Return every parameter and persistent buffer by dotted name (detached, sharing data).

        >>> import mg_autograd as ag
        >>> from mg_autograd import nn
        >>> net = nn.Sequential(nn.Linear(2, 2))
        >>> net.register_buffer("steps", ag.tensor([0]))
        >>> list(net.state_dict())
        ['steps', '0.weight', '0.bias']
        """
        out: dict[str, Tensor] = {}
        for module_name, module in self.named_modules(prefix):
            dot = f"{module_name}." if module_name else ""
            for name, param in module._parameters.items():
                if param is not None:
                    out[dot + name] = param.detach()
            for name, buf in module._buffers.items():
                if buf is not None and name not in module._non_persistent:
                    out[dot + name] = buf.detach()
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Tensor | core.Tensor], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy values from ``state_dict`` into this module's parameters and buffers.

        Values are cast to each target's dtype. With ``strict`` (the default), missing or
        unexpected keys are an error; shapes must always match.

        Raises:
            ValueError: listing every missing and unexpected key (if ``strict``) and every
                shape mismatch, before anything is written.

        >>> from mg_autograd import nn
        >>> a, b = nn.Linear(2, 1), nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> b.load_state_dict({"weight": a.weight}, strict=False)
        IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
        >>> b.load_state_dict({"weight": a.weight, "scale": a.bias})
        Traceback (most recent call last):
        ValueError: Error(s) in loading state_dict for Linear:
            missing keys: ['bias']
            unexpected keys: ['scale']
        """
        targets = self.state_dict()
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        for key, target in targets.items():
            if key in state_dict:
                value: object = state_dict[key]
                if not isinstance(value, (Tensor, core.Tensor)):
                    problems.append(f"'{key}' is a {_kind(value)}, not a tensor")
                elif value.shape != target.shape:
                    problems.append(
                        f"shape mismatch for '{key}': checkpoint has {value.shape}, "
                        f"model has {target.shape}"
                    )
        if problems:
            raise ValueError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n    "
                + "\n    ".join(problems)
            )
        with no_grad():
            for key, target in targets.items():
                if key in state_dict:
                    value = state_dict[key]
                    assign_data(target, value.data if isinstance(value, Tensor) else value)
        return IncompatibleKeys(missing, unexpected)

    # --- repr -----------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """Return the constructor settings shown inside this module's repr (override it)."""
        return ""

    def __repr__(self) -> str:
        lines = [line for line in self.extra_repr().split("\n") if line]
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        if not self._modules:
            return f"{type(self).__name__}({', '.join(lines)})"
        body = "".join(f"\n  {line}" for line in lines)
        return f"{type(self).__name__}({body}\n)"

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        names.update(self._parameters, self._buffers, self._modules)
        return sorted(names)


def _fits(registry: dict[str, object], name: str, value: object, module: Module) -> bool:
    """Whether ``name`` may stay in ``registry`` after assigning ``value`` (else it moves)."""
    if name not in registry or value is None:
        return True
    if registry is module._parameters:
        return isinstance(value, Parameter)
    if registry is module._modules:
        return isinstance(value, Module)
    return not isinstance(value, (Parameter, Module))


def _kind(value: object) -> str:
    return type(value).__name__
