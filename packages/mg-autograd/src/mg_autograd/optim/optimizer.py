"""`Optimizer`: parameter groups, per-parameter state, `zero_grad` and `state_dict`.

Subclasses write `update`, the math for one parameter, with whole-tensor mg_core ops on
``param.data`` and ``param.grad.data`` (one kernel call per operation, never a Python loop
over elements); the base class loops over groups and parameters.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import Any, TypeAlias

import mg_core as core

from mg_autograd.grad_mode import enable_grad, no_grad
from mg_autograd.nn.module import assign_data
from mg_autograd.tensor import Tensor

__all__ = ["Optimizer", "ParamGroup", "ParamState", "StateDict"]

#: One parameter group: ``"params"`` (a list of tensors) and its hyperparameters by name.
ParamGroup: TypeAlias = dict[str, Any]
#: What `Optimizer.state_dict` returns: per-parameter state by index, and the groups with
#: their parameters replaced by those indices (PyTorch's layout).
StateDict: TypeAlias = dict[str, Any]


class ParamState(MutableMapping[Tensor, dict[str, Any]]):
    """Per-parameter state (``optimizer.state[p]``), keyed by the parameter's identity.

    Identity, not equality: a Tensor's ``==`` may be elementwise, so it cannot be a plain key.
    """

    def __init__(self) -> None:
        self._items: dict[int, tuple[Tensor, dict[str, Any]]] = {}

    def __getitem__(self, param: Tensor) -> dict[str, Any]:
        return self._items[id(param)][1]

    def __setitem__(self, param: Tensor, state: dict[str, Any]) -> None:
        self._items[id(param)] = (param, state)

    def __delitem__(self, param: Tensor) -> None:
        del self._items[id(param)]

    def __contains__(self, param: object) -> bool:
        return id(param) in self._items

    def __iter__(self) -> Iterator[Tensor]:
        return (param for param, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)


class Optimizer:
    """Base class: holds parameter groups and state; subclasses define `update`.

    ``params`` is an iterable of tensors, or of dicts each with a ``"params"`` list and
    hyperparameters overriding ``defaults`` for that group.

    >>> import mg_autograd as ag
    >>> w = ag.nn.Parameter(ag.tensor([1.0, 2.0]))
    >>> opt = ag.optim.SGD([{"params": [w], "lr": 0.5}], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    Parameter containing:
    tensor([0., 0.], requires_grad=True)
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[ParamGroup], defaults: ParamGroup):
        self.defaults = defaults
        self.state = ParamState()
        self.param_groups: list[ParamGroup] = []
        items = list(params)
        if not items:
            raise ValueError("optimizer got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        for group in groups:
            if not isinstance(group, dict):
                raise TypeError("optimizer params must be all tensors or all dicts, not a mix")
            self.add_param_group(group)

    def add_param_group(self, group: ParamGroup) -> None:
        """Add a group of parameters with its own hyperparameters (the rest from defaults).

        Raises:
            ValueError: if a parameter already belongs to another group.
            TypeError: if a parameter is not a floating-point leaf Tensor.
        """
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor (one with a grad_fn)")
            if id(p) in seen:
                raise ValueError("some parameters appear in more than one parameter group")
            seen.add(id(p))
        full = {**self.defaults, **group, "params": params}
        self.param_groups.append(full)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop every parameter's gradient (or zero it in place if ``set_to_none`` is False).

        >>> import mg_autograd as ag
        >>> w = ag.nn.Parameter(ag.tensor([1.0]))
        >>> w.grad = ag.tensor([3.0])
        >>> ag.optim.SGD([w]).zero_grad()
        >>> w.grad is None
        True
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    assign_data(p.grad, core.zeros_like(p.grad.data))

    def step(self, closure: Callable[[], Tensor] | None = None) -> Tensor | None:
        """Update every parameter that has a gradient; return ``closure()`` if given.

        ``closure`` re-evaluates the model and returns the loss (computed with grad enabled).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        state = self.state.setdefault(p, {})
                        self.update(p, p.grad.data, state, group)
        return loss

    def update(
        self, param: Tensor, grad: core.Tensor, state: dict[str, Any], group: ParamGroup
    ) -> None:
        """Apply one step to ``param`` given its gradient, its state and its group's settings."""
        raise NotImplementedError(f"{type(self).__name__} does not define update()")

    def state_dict(self) -> StateDict:
        """Return the state and groups, parameters named by their index across all groups.

        Tensors in the state are copies, so later steps do not change the result.

        >>> import mg_autograd as ag
        >>> w = ag.nn.Parameter(ag.tensor([1.0]))
        >>> opt = ag.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = ag.tensor([1.0])
        >>> opt.step()
        >>> sd = opt.state_dict()
        >>> sd["state"][0]["momentum_buffer"], sd["param_groups"][0]["params"]
        (tensor([1.]), [0])
        """
        index = {id(p): i for i, p in enumerate(self._all_params())}
        state = {index[id(p)]: _copy_state(s) for p, s in self.state.items()}
        groups = [
            {
                **{k: v for k, v in g.items() if k != "params"},
                "params": [index[id(p)] for p in g["params"]],
            }
            for g in self.param_groups
        ]
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore state and hyperparameters saved by `state_dict` for the same parameter layout.

        Raises:
            ValueError: if the number of groups or of parameters in a group differs, naming
                both counts.
        """
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has {len(saved_groups)} parameter groups, "
                f"the optimizer has {len(self.param_groups)}"
            )
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {i}: loaded state dict has {len(saved['params'])} "
                    f"parameters, the optimizer has {len(group['params'])}"
                )
        params = self._all_params()
        self.state = ParamState()
        for index, saved_state in state_dict["state"].items():
            param = params[int(index)]
            self.state[param] = _copy_state(saved_state, param.dtype)
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})

    def _all_params(self) -> list[Tensor]:
        return [p for g in self.param_groups for p in g["params"]]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join([*lines, ")"])


def _copy_state(state: Mapping[str, Any], dtype: core.DType | None = None) -> dict[str, Any]:
    """Copy tensors in ``state`` (cast floating ones to ``dtype`` if given); keep numbers."""
    out: dict[str, Any] = {}
    for key, value in state.items():
        if isinstance(value, (Tensor, core.Tensor)):
            data = value.data if isinstance(value, Tensor) else value
            cast = dtype is not None and data.dtype.kind == "f" and data.dtype is not dtype
            out[key] = Tensor(data.astype(dtype) if cast and dtype is not None else data.copy())
        else:
            out[key] = copy.deepcopy(value)
    return out
