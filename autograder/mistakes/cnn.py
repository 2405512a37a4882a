"""Known mistakes in cnn.py (names resolve in that module: np, math, sliding_window_view, initializers, ...)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("cnn.conv2d_forward", "kernel flipped (signal-processing convolution)",
         "Deep-learning 'convolution' is cross-correlation: do not flip the kernel (torch.nn.functional.conv2d).")
def conv_flipped(x, w, b, stride=1, padding=0):
    w = w[:, :, ::-1, ::-1]
    kh, kw = w.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[None, :, None, None]
    return out, (x, w, stride, padding, windows)


@mistake("cnn.conv2d_forward", "bias ignored", "Add b[f] to every position of output channel f.")
def conv_no_bias(x, w, b, stride=1, padding=0):
    kh, kw = w.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2), (x, w, stride, padding, windows)


@mistake("cnn.conv2d_backward", "overlapping windows overwrite dx instead of adding up",
         "Accumulate with += : an input under several windows receives the sum of their gradients.")
def conv_backward_overwrites(dout, cache):
    x, w, stride, padding, windows = cache
    n, c, h, width = x.shape
    kh, kw = w.shape[2:]
    h_out, w_out = dout.shape[2:]
    dpadded = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    for p in range(kh):
        for q in range(kw):
            dpadded[:, :, p : p + stride * h_out : stride, q : q + stride * w_out : stride] = np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, p, q])
    return (dpadded[:, :, padding : padding + h, padding : padding + width],
            np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3])), dout.sum(axis=(0, 2, 3)))


@mistake("cnn.conv2d_backward", "bias gradient averaged over the batch",
         "db sums dout over the batch and every position: dout.sum(axis=(0, 2, 3)).")
def conv_backward_mean_db(dout, cache):
    x, w, stride, padding, windows = cache
    n, c, h, width = x.shape
    h_out, w_out = dout.shape[2:]
    dpadded = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    for p in range(w.shape[2]):
        for q in range(w.shape[3]):
            dpadded[:, :, p : p + stride * h_out : stride, q : q + stride * w_out : stride] += np.einsum(
                "nfhw,fc->nchw", dout, w[:, :, p, q])
    return (dpadded[:, :, padding : padding + h, padding : padding + width],
            np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3])), dout.sum(axis=(0, 2, 3)) / n)


@mistake("cnn.maxpool2d_forward", "stride defaults to 1", "As in torch, stride=None means stride = kernel_size.")
def maxpool_stride_one(x, kernel_size, stride=None):
    stride = 1 if stride is None else stride
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.max(axis=(4, 5)), (x.shape, kernel_size, stride, windows)


@mistake("cnn.maxpool2d_backward", "gradient spread over the whole window (average pooling's rule)",
         "Only the maximum of each window influenced the output: route the whole gradient there.")
def maxpool_backward_spread(dout, cache):
    shape, k, stride, windows = cache
    return avgpool2d_backward(dout, (shape, k, stride))


@mistake("cnn.avgpool2d_forward", "divided by kernel_size instead of kernel_size**2",
         "The window holds kernel_size**2 values: their mean divides by the area.")
def avgpool_wrong_area(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    windows = sliding_window_view(x, (kernel_size, kernel_size), axis=(2, 3))[:, :, ::stride, ::stride]
    return windows.sum(axis=(4, 5)) / kernel_size, (x.shape, kernel_size, stride)


@mistake("cnn.avgpool2d_backward", "gradient not divided by the window area",
         "Each input contributed 1 / kernel_size**2 of the window's mean: dx gets dout / kernel_size**2.")
def avgpool_backward_unscaled(dout, cache):
    shape, k, stride = cache
    h_out, w_out = dout.shape[2:]
    dx = np.zeros(shape)
    for p in range(k):
        for q in range(k):
            dx[:, :, p : p + stride * h_out : stride, q : q + stride * w_out : stride] += dout
    return dx


@mistake("cnn.flatten", "a view of the input returned (x.reshape without a copy)",
         "Return a new array: x.reshape(N, -1).copy().",
         seen_in=lambda observation: observation.get("aliases_input"), side_effect=True)
def flatten_view(x):
    return x.reshape(x.shape[0], -1)


@mistake("cnn.flatten", "column-major (Fortran) order", "Flatten in C order, as torch.flatten: channel, then row, then column.")
def flatten_fortran(x):
    return np.array(x).reshape(x.shape[0], -1, order="F")


@mistake("cnn.unflatten", "a view of the input returned (x.reshape without a copy)",
         "Return a new array: x.reshape(N, *shape).copy().",
         seen_in=lambda observation: observation.get("aliases_input"), side_effect=True)
def unflatten_view(x, shape):
    return x.reshape(x.shape[0], *shape)


@mistake("cnn.conv_fans", "fans without the kernel area (C and F)",
         "Multiply by the receptive field: fan_in = C * KH * KW, fan_out = F * KH * KW.")
def conv_fans_channels_only(shape):
    return shape[1], shape[0]


@mistake("cnn.conv_kaiming_uniform", "fan without the kernel area",
         "A conv layer's fan_in is C * KH * KW (conv_fans), not C.")
def conv_kaiming_uniform_channels(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = shape[1] if mode == "fan_in" else shape[0]
    bound = initializers.calculate_gain(nonlinearity, negative_slope) * math.sqrt(3.0 / fan)
    return rng.uniform(-bound, bound, size=shape)


@mistake("cnn.conv_kaiming_normal", "variance used as the standard deviation: std = gain**2 / fan",
         "std = gain / sqrt(fan).")
def conv_kaiming_normal_variance(shape, rng, mode="fan_in", nonlinearity="relu", negative_slope=0.0):
    fan = conv_fans(shape)[0 if mode == "fan_in" else 1]
    return rng.normal(0.0, initializers.calculate_gain(nonlinearity, negative_slope) ** 2 / fan, size=shape)


@mistake("cnn.conv_xavier_uniform", "fans without the kernel area",
         "Use conv_fans: fan_in = C * KH * KW and fan_out = F * KH * KW.")
def conv_xavier_channels(shape, rng, gain=1.0):
    bound = gain * math.sqrt(6.0 / (shape[0] + shape[1]))
    return rng.uniform(-bound, bound, size=shape)


@mistake("cnn.conv2d_forward", "padding added on one side only (output size (H + P - K) // S + 1)",
         "Zero-pad both sides of H and W: H_out = (H + 2 * padding - KH) // stride + 1.")
def conv_one_sided_padding(x, w, b, stride=1, padding=0):
    kh, kw = w.shape[2:]
    padded = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    windows = sliding_window_view(padded, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    out = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[None, :, None, None]
    return out, (x, w, stride, padding, windows)


@mistake("cnn.maxpool2d_backward", "every tied maximum gets the gradient (mask window == window.max())",
         "As torch, send each window's gradient to ONE position, its first maximum in row-major order "
         "(what argmax of the flattened window returns); a window of equal values (zeros after a ReLU) has one winner.")
def maxpool_backward_all_ties(dout, cache):
    shape, k, stride, windows = cache
    n, c, h_out, w_out = dout.shape
    dx = np.zeros(shape)
    for i in range(h_out):
        for j in range(w_out):
            window = windows[:, :, i, j]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dx[:, :, i * stride : i * stride + k, j * stride : j * stride + k] += mask * dout[:, :, i, j, None, None]
    return dx


@mistake("cnn.maxpool2d_forward", "output size H // stride (the kernel size ignored)",
         "The output has (H - kernel_size) // stride + 1 rows (and likewise columns): the last window must fit "
         "inside the image, and rows left over at the edge are dropped.")
def maxpool_h_over_stride(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    out = np.zeros(x.shape[:2] + (x.shape[2] // stride, x.shape[3] // stride))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size]  # cut short at the edge
            out[:, :, i, j] = window.max(axis=(2, 3))
    return out, (x.shape, kernel_size, stride, None)


@mistake("cnn.avgpool2d_forward", "output size H // stride (the kernel size ignored)",
         "The output has (H - kernel_size) // stride + 1 rows (and likewise columns): the last window must fit "
         "inside the image, and rows left over at the edge are dropped.")
def avgpool_h_over_stride(x, kernel_size, stride=None):
    stride = kernel_size if stride is None else stride
    out = np.zeros(x.shape[:2] + (x.shape[2] // stride, x.shape[3] // stride))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            window = x[:, :, i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size]  # cut short at the edge
            out[:, :, i, j] = window.mean(axis=(2, 3))
    return out, (x.shape, kernel_size, stride)
