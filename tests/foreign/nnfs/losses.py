"""Losses as classes in the manner of "Neural Networks from Scratch": a Loss base class whose calculate()
averages forward()'s sample losses, backward(dvalues, y_true) storing self.dinputs. The book clips
probabilities to [1e-7, 1 - 1e-7] and divides gradients by len(dvalues) * len(dvalues[0]); the contract
needs torch's clamp of each log at -100 and a division by the number of elements, so those two lines
differ from the book's."""
import numpy as np


class Loss:
    def calculate(self, output, y):
        sample_losses = self.forward(output, y)
        return float(np.mean(sample_losses))


class Loss_MeanSquaredError(Loss):
    def forward(self, y_pred, y_true):
        return (y_true - y_pred) ** 2

    def backward(self, dvalues, y_true):
        self.dinputs = -2 * (y_true - dvalues) / dvalues.size


class Loss_BinaryCrossentropy(Loss):
    def forward(self, y_pred, y_true):
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(y_pred), -100)
            log_not_p = np.maximum(np.log(1 - y_pred), -100)
        return -(y_true * log_p + (1 - y_true) * log_not_p)

    def backward(self, dvalues, y_true):
        self.dinputs = -(y_true / dvalues - (1 - y_true) / (1 - dvalues)) / dvalues.size


class Activation_Softmax_Loss_CategoricalCrossentropy(Loss):
    def forward(self, inputs, y_true):
        shifted = inputs - np.max(inputs, axis=1, keepdims=True)
        log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
        self.output = np.exp(log_probs)
        return -log_probs[range(len(inputs)), y_true]

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


def mse(y_pred, y_true):
    return Loss_MeanSquaredError().calculate(y_pred, y_true)


def mse_grad(y_pred, y_true):
    loss = Loss_MeanSquaredError()
    loss.backward(y_pred, y_true)
    return loss.dinputs


def binary_cross_entropy(p, y):
    return Loss_BinaryCrossentropy().calculate(p, y)


def binary_cross_entropy_grad(p, y):
    loss = Loss_BinaryCrossentropy()
    loss.backward(p, y)
    return loss.dinputs


def softmax_cross_entropy(logits, labels):
    return Activation_Softmax_Loss_CategoricalCrossentropy().calculate(logits, labels)


def softmax_cross_entropy_grad(logits, labels):
    loss = Activation_Softmax_Loss_CategoricalCrossentropy()
    loss.forward(logits, labels)
    loss.backward(loss.output, labels)
    return loss.dinputs
