"""Gradient checking in the manner of the deeplearning.ai gradient_check_n: the parameters as one long
vector, a fresh copy thetaplus / thetaminus per component (so x itself is never touched), and the
difference measured per element as the contract's relative error, with np.max(..., initial=0.0)."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    parameters_values = np.array(x, dtype=float).reshape(-1)
    num_parameters = parameters_values.shape[0]
    gradapprox = np.zeros(num_parameters)
    for i in range(num_parameters):
        thetaplus = np.copy(parameters_values)
        thetaplus[i] = thetaplus[i] + h
        J_plus = f(thetaplus.reshape(x.shape))
        thetaminus = np.copy(parameters_values)
        thetaminus[i] = thetaminus[i] - h
        J_minus = f(thetaminus.reshape(x.shape))
        gradapprox[i] = (J_plus - J_minus) / (2 * h)
    return gradapprox.reshape(x.shape)


def relative_error(a, b):
    numerator = np.abs(a - b)
    denominator = np.maximum(np.abs(a) + np.abs(b), 1e-8)
    return np.max(numerator / denominator, initial=0.0)
