"""Known mistakes in optimizers.py (names resolve in that module: np, math)."""
# ruff: noqa: F821
from autograder.mistakes import mistake


@mistake("optimizers.sgd_step", "weight_decay ignored", "Add weight_decay * param to the gradient before stepping.")
def sgd_no_decay(param, grad, lr, weight_decay=0.0):
    return param - lr * grad


@mistake("optimizers.momentum_step", "textbook momentum: velocity = momentum * velocity - lr * g; param + velocity",
         "PyTorch accumulates gradients: velocity = momentum * velocity + (1 - dampening) * g, then param - lr * velocity.")
def momentum_textbook(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    velocity = -lr * g if velocity is None else momentum * velocity - lr * g
    return param + velocity, velocity


@mistake("optimizers.momentum_step", "dampening applied on the first step",
         "On the first step PyTorch sets velocity = g exactly; dampening only applies from the second step.")
def momentum_damped_first(param, grad, velocity, lr, momentum=0.9, dampening=0.0, weight_decay=0.0):
    g = grad + weight_decay * param
    velocity = (1 - dampening) * g if velocity is None else momentum * velocity + (1 - dampening) * g
    return param - lr * velocity, velocity


@mistake("optimizers.nesterov_step", "plain momentum step (no look-ahead)",
         "Nesterov steps by g + momentum * velocity, not by velocity.")
def nesterov_plain(param, grad, velocity, lr, momentum=0.9, weight_decay=0.0):
    g = grad + weight_decay * param
    velocity = g.copy() if velocity is None else momentum * velocity + g
    return param - lr * velocity, velocity


@mistake("optimizers.adagrad_step", "eps inside the square root", "PyTorch divides by sqrt(sum_sq) + eps.")
def adagrad_eps_inside(param, grad, sum_sq, lr=0.01, eps=1e-10):
    sum_sq = (0.0 if sum_sq is None else sum_sq) + grad * grad
    return param - lr * grad / np.sqrt(sum_sq + eps), sum_sq


@mistake("optimizers.rmsprop_step", "alpha and 1 - alpha swapped",
         "square_avg = alpha * square_avg + (1 - alpha) * grad**2: alpha keeps the OLD average.")
def rmsprop_swapped(param, grad, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    square_avg = alpha * grad * grad + (0.0 if square_avg is None else (1 - alpha) * square_avg)
    return param - lr * grad / (np.sqrt(square_avg) + eps), square_avg


@mistake("optimizers.adam_step", "no bias correction", "Divide m by 1 - beta1**t and v by 1 - beta2**t before the step.")
def adam_uncorrected(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = grad + weight_decay * param
    m = (1 - beta1) * g + (0.0 if m is None else beta1 * m)
    v = (1 - beta2) * g * g + (0.0 if v is None else beta2 * v)
    return param - lr * m / (np.sqrt(v) + eps), m, v


@mistake("optimizers.adam_step", "weight_decay ignored", "Adam's weight_decay adds weight_decay * param to the gradient.")
def adam_no_decay(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    m = (1 - beta1) * grad + (0.0 if m is None else beta1 * m)
    v = (1 - beta2) * grad * grad + (0.0 if v is None else beta2 * v)
    return param - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


@mistake("optimizers.adam_step", "eps inside the square root: sqrt(v_hat + eps)",
         "PyTorch adds eps after the square root: m_hat / (np.sqrt(v_hat) + eps). Inside, it only shows "
         "for tiny gradients, where it caps the step far below lr.")
def adam_eps_inside(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = grad + weight_decay * param
    m = (1 - beta1) * g + (0.0 if m is None else beta1 * m)
    v = (1 - beta2) * g * g + (0.0 if v is None else beta2 * v)
    return param - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


@mistake("optimizers.adamw_step", "eps inside the square root: sqrt(v_hat + eps)",
         "PyTorch adds eps after the square root: m_hat / (np.sqrt(v_hat) + eps). Inside, it only shows "
         "for tiny gradients, where it caps the step far below lr.")
def adamw_eps_inside(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    m = (1 - beta1) * grad + (0.0 if m is None else beta1 * m)
    v = (1 - beta2) * grad * grad + (0.0 if v is None else beta2 * v)
    return param * (1 - lr * weight_decay) - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


@mistake("optimizers.adamw_step", "L2 added to the gradient (Adam's weight decay, not decoupled)",
         "AdamW shrinks the parameter directly, param * (1 - lr * weight_decay), and steps with the raw gradient.")
def adamw_coupled(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
    g = grad + weight_decay * param
    m = (1 - beta1) * g + (0.0 if m is None else beta1 * m)
    v = (1 - beta2) * g * g + (0.0 if v is None else beta2 * v)
    return param - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


@mistake("optimizers.step_decay", "decayed every epoch (epoch / step_size not floored)",
         "Use integer division: gamma ** (epoch // step_size).")
def step_decay_continuous(epoch, lr0, step_size, gamma=0.1):
    return float(lr0 * gamma ** (epoch / step_size))


@mistake("optimizers.cosine_annealing", "eta_min ignored (annealed to 0)",
         "Anneal between lr0 and eta_min: eta_min + (lr0 - eta_min) * (1 + cos(pi * epoch / t_max)) / 2.")
def cosine_to_zero(epoch, lr0, t_max, eta_min=0.0):
    return float(lr0 * (1 + math.cos(math.pi * epoch / t_max)) / 2)


@mistake("optimizers.linear_warmup", "warm-up from 0 (start_factor ignored)",
         "Start at start_factor * lr0 and grow linearly to lr0 over warmup_epochs.")
def warmup_from_zero(epoch, lr0, warmup_epochs, start_factor=0.1):
    return float(lr0 * min(epoch, warmup_epochs) / warmup_epochs)
