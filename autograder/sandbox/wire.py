"""Plain-data messages between the grader and a sandboxed worker.

Only None, bool, int, float, str, list, tuple, dict with str keys, and NumPy
arrays and scalars of a plain dtype (bool, int, uint, float) cross the
boundary. No pickle: decoding an untrusted message can build nothing but
these, and any message that is not exactly well formed raises WireError.

A message is: 8-byte length, 4-byte JSON length, JSON, then the raw bytes of
the arrays the JSON refers to by index. This file is also sent, as source, to
the worker (which cannot import the autograder package), so it may import only
the standard library and NumPy.
"""
import json
import math
import struct

import numpy as np

MAX_MESSAGE_BYTES = 256 * 2**20
MAX_DEPTH = 16
MAX_ITEMS = 100_000
MAX_DIMS = 32  # NumPy's own limit is 64; no contract array has more than 4
NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}
# dtype strings an array may arrive with; anything else (object, str, void...) is refused.
PLAIN_DTYPES = frozenset(
    np.dtype(t).str for t in ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8")
)


class WireError(Exception):
    """A value that cannot be sent, or a message that is not well formed."""


def encode(value, convert=None):
    """The bytes of one message holding `value`.

    `convert(v)` is asked first about every node; it may return a replacement
    (e.g. a description of an object that cannot be sent) or None to go on.
    """
    blobs = []

    def walk(v, depth):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if convert is not None:
            replaced = convert(v)
            if replaced is not None:
                return replaced
        kind = type(v)  # the common kinds first: a reply holds many small nodes
        if kind is np.ndarray:
            if v.dtype.str not in PLAIN_DTYPES:
                raise WireError(f"array of dtype {v.dtype} cannot be sent")
            blobs.append(np.ascontiguousarray(v).tobytes())
            return {"__nd__": len(blobs) - 1, "dtype": v.dtype.str, "shape": list(v.shape)}
        if kind is float:
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if v is None or kind is bool or kind is int or kind is str:
            return v
        if kind is list or kind is tuple:
            if len(v) > MAX_ITEMS:
                raise WireError("sequence too long")
            return {"__seq__": kind.__name__, "items": [walk(x, depth + 1) for x in v]}
        if kind is dict:
            if len(v) > MAX_ITEMS or not all(type(k) is str for k in v):
                raise WireError("dict too long or with non-str keys")
            return {"__dict__": {k: walk(x, depth + 1) for k, x in v.items()}}
        if kind is Special:
            return {"__special__": v.kind, "data": walk(v.data, depth + 1)}
        if isinstance(v, np.generic) and v.dtype.str in PLAIN_DTYPES:
            return scalar_node(v)
        raise WireError(f"a {kind.__name__} cannot be sent")

    tree = json.dumps(walk(value, 0)).encode()
    body = struct.pack("<I", len(tree)) + tree + b"".join(blobs)
    return struct.pack("<Q", len(body)) + body


def scalar_node(v):
    """The message node of a NumPy scalar of a plain dtype (np.float64(0.5) -> {"__scalar__": "<f8", ...})."""
    if v.dtype.str not in PLAIN_DTYPES:
        return {"__special__": "unsendable", "data": f"numpy.{type(v).__name__}"}
    value = v.item()
    if type(value) is float and not math.isfinite(value):
        value = repr(value)
    return {"__scalar__": v.dtype.str, "value": value}


def decode(body):
    """The value of one message body (the bytes after the 8-byte length); WireError if it is not well formed."""
    try:
        return _decode(body)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError, MemoryError,
            struct.error) as error:
        raise WireError(f"unreadable message ({type(error).__name__})") from None


def _decode(body):
    if len(body) < 4:
        raise WireError("truncated message")
    (tree_len,) = struct.unpack_from("<I", body)
    if 4 + tree_len > len(body):
        raise WireError("truncated message")
    try:
        tree = json.loads(bytes(body[4 : 4 + tree_len]))
    except ValueError as error:
        raise WireError(f"bad message: {error}") from None
    offset = 4 + tree_len

    def walk(node, depth):
        nonlocal offset
        if depth > MAX_DEPTH:
            raise WireError("message nested too deeply")
        kind = type(node)
        if kind is not dict:
            if node is None or kind is bool or kind is int or kind is float or kind is str:
                return node
            raise WireError("unknown node in message")
        if "__float__" in node:
            if node["__float__"] not in NON_FINITE:
                raise WireError("bad float")
            return NON_FINITE[node["__float__"]]
        if "__scalar__" in node:
            return _scalar(node)
        if "__nd__" in node:
            dtype, shape = node.get("dtype"), node.get("shape")
            if dtype not in PLAIN_DTYPES or type(shape) is not list or len(shape) > MAX_DIMS or not all(
                type(n) is int and 0 <= n < 2**40 for n in shape
            ):
                raise WireError("bad array header")
            count = math.prod(shape)
            size = np.dtype(dtype).itemsize * count
            if offset + size > len(body):
                raise WireError("array data truncated")
            array = np.frombuffer(body, dtype=dtype, count=count, offset=offset)
            offset += size
            return array.reshape(shape).copy()
        if "__seq__" in node and type(node.get("items")) is list:
            items = [walk(x, depth + 1) for x in node["items"]]
            return tuple(items) if node["__seq__"] == "tuple" else items
        if type(node.get("__dict__")) is dict:
            return {k: walk(x, depth + 1) for k, x in node["__dict__"].items()}
        if "__special__" in node:
            return Special(node["__special__"], walk(node.get("data"), depth + 1))
        raise WireError("unknown node in message")

    return walk(tree, 0)


def _scalar(node):
    dtype, value = node["__scalar__"], node.get("value")
    if dtype not in PLAIN_DTYPES or type(value) not in (bool, int, float, str):
        raise WireError("bad scalar")
    if type(value) is str:
        if value not in NON_FINITE or np.dtype(dtype).kind != "f":
            raise WireError("bad scalar")
        value = NON_FINITE[value]
    with np.errstate(all="ignore"):
        scalar = np.dtype(dtype).type(value)
    if scalar.item() != value and not (scalar != scalar and value != value):
        raise WireError("bad scalar")  # the value does not fit its dtype
    return scalar


class Special:
    """A marker node: an rng seed, a probe function, a reference to an earlier result,
    or (from the worker) a description of a value that could not be sent."""

    __slots__ = ("kind", "data")

    def __init__(self, kind, data):
        self.kind, self.data = kind, data

    def __repr__(self):
        return f"Special({self.kind!r}, {self.data!r})"

    def __eq__(self, other):
        return type(other) is Special and (self.kind, self.data) == (other.kind, other.data)


def read_message(read, limit=MAX_MESSAGE_BYTES):
    """Read one message with `read(n) -> bytes` (which returns b"" at end of file)."""
    header = _read_exactly(read, 8)
    if header is None:
        return None
    (length,) = struct.unpack("<Q", header)
    if length > limit:
        raise WireError(f"message of {length} bytes is over the limit")
    body = _read_exactly(read, length)
    if body is None:
        raise WireError("message truncated")
    return decode(body)


def _read_exactly(read, n):
    chunks, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
