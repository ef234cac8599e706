"""A layer or block in a few words: the heading its quantities are shown under, and the kind
column of the summary table."""

from __future__ import annotations

from nnsolve.solvers.layers.spec import Pair, Padding


def describe_layer(entry) -> str:
    """A layer in a few words, for the heading its quantities are shown under."""
    o, kind = entry.options, entry.kind
    words = []
    if kind in ("conv", "conv_transpose"):
        filters = "depthwise" if o.filters is None else f"{o.filters} filters"
        words.append(f"{kind.replace('_', ' ')}, {filters} {_pair(o.kernel, area=True)}")
        words.append(f"stride {_pair(o.stride)}")
        words.append(_padding(o.padding))
        if o.dilation.values() != (1, 1):
            words.append(f"dilation {_pair(o.dilation)}")
        if o.groups not in (1, "depthwise"):
            words.append(f"groups {o.groups}")
        elif o.groups == "depthwise" and o.filters is not None:
            words.append("depthwise")
        if not o.bias:
            words.append("no bias")
    elif kind in ("maxpool", "avgpool"):
        how = "max" if kind == "maxpool" else "average"
        words.append(f"{how} pooling {_pair(o.size, area=True)}")
        words.append(f"stride {_pair(o.stride or o.size)}")
        if o.padding != Padding("explicit", Pair(0, 0, True)):
            words.append(_padding(o.padding))
        if o.ceil_mode:
            words.append("ceil mode")
    elif kind == "dense":
        words.append(f"dense, {o.units} units" + ("" if o.bias else ", no bias"))
    elif kind == "dropout":
        words.append(f"dropout {o.rate:g}")
    elif kind == "embedding":
        words.append(f"embedding, {o.vocab} tokens × {o.dim}")
    else:
        words.append(_more(kind, o))
    activation = getattr(o, "activation", None)
    text = ", ".join(w for w in words if w)
    return text + (f", then {activation}" if activation else "")


def _pair(pair: Pair, *, area: bool = False) -> str:
    """A kernel is written 11×11 even when given as 11; a stride of 4 stays 4."""
    return f"{pair.h}×{pair.w}" if area or not pair.square else str(pair.h)


def _padding(padding) -> str:
    if isinstance(padding, Pair):
        padding = Padding("explicit", padding)
    if padding.mode != "explicit":
        return f"padding {padding.mode}"
    p = padding.pair
    return f"padding {p.h}" if p.square else f"padding {p.h}×{p.w}"


_RECURRENT = {"rnn": "simple RNN", "lstm": "LSTM", "gru": "GRU"}


def _more(kind: str, o) -> str:
    """The kinds of whole architectures: blocks, sequences and resizing."""
    if kind in _RECURRENT:
        words = [f"{_RECURRENT[kind]}, {o.units} units"]
        if o.bidirectional:
            words.append("bidirectional")
        if o.num_layers > 1:
            words.append(f"{o.num_layers} stacked")
        words.append("every step's output" if o.return_sequences else "last state")
        return ", ".join(words)
    if kind == "multihead_attention":
        return f"multi-head attention, {o.heads} heads"
    if kind == "conv1d":
        return (f"1-D conv, {o.filters} filters of {o.kernel}, stride {o.stride}, "
                f"{_padding(o.padding)}")
    if kind in ("adaptive_avgpool", "adaptive_maxpool"):
        how = "average" if kind == "adaptive_avgpool" else "max"
        return f"adaptive {how} pooling to {_pair(o.size, area=True)}"
    if kind == "upsample":
        return f"upsample ×{_pair(o.factor)}"
    if kind == "reshape":
        return "reshape to " + "×".join(str(v) for v in o.shape)
    if kind == "add":
        return "sum of " + ", ".join(o.inputs)
    if kind == "concat":
        if o.inputs is not None:
            return "concatenation of " + ", ".join(o.inputs)
        return f"{len(o.branches)} parallel branches joined on the channels"
    if kind == "residual":
        shortcut = "identity" if o.shortcut == "identity" else "projection"
        return f"residual block, {shortcut} shortcut"
    if kind == "repeat":
        return f"{o.times} copies of a block"
    if kind == "block":
        return f"block of {len(o.layers)} layers"
    return kind.replace("_", " ")
