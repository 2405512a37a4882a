"""The student's own helper module: apply a scalar function to every element of an array."""
import numpy as np


def each(function, z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index in np.ndindex(z.shape):
        out[index] = function(float(z[index]))
    return out
