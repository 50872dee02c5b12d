"""One training run: a plain PyTorch loop that records what the common loggers see: the loss of
every batch (with its gradient norm and learning rate) and, per epoch, the mean training loss and
accuracy (as Keras reports them) plus the loss and accuracy on the validation and test sets."""
import math
from dataclasses import dataclass, field
from typing import Callable, Optional

import torch
from torch import nn


@dataclass
class Setup:
    train: tuple
    model: nn.Module
    optimizer: torch.optim.Optimizer
    loss: Callable
    epochs: int
    batch: int
    val: Optional[tuple] = None
    test: Optional[tuple] = None
    classes: Optional[int] = None
    shuffle: bool = True
    lr_at: Optional[Callable[[int], float]] = None  # global step (0-based) -> learning rate
    order: Optional[torch.Tensor] = None  # a fixed sample order used when shuffle is False


@dataclass
class Log:
    steps: list = field(default_factory=list)  # {step, epoch, loss, grad_norm, lr}, one per batch
    epochs: list = field(default_factory=list)  # {epoch, loss, accuracy?, val_loss?, ..., lr}
    steps_per_epoch: int = 0
    classes: Optional[int] = None
    optimizer: str = ''

    def series(self, key):
        return [e[key] for e in self.epochs]

    def has(self, key):
        return bool(self.epochs) and key in self.epochs[0]


def _accuracy(out, y):
    return (out.argmax(1) == y).float().mean().item()


def _evaluate(setup, data):
    x, y = data
    setup.model.eval()
    with torch.no_grad():
        out = setup.model(x)
        loss = setup.loss(out, y).item()
        acc = _accuracy(out, y) if setup.classes else None
    setup.model.train()
    return loss, acc


def _grad_norm(model):
    total = 0.0
    for p in model.parameters():
        if p.grad is not None:
            total += p.grad.detach().double().pow(2).sum().item()
    return math.sqrt(total) if math.isfinite(total) else float('nan')


def train(setup: Setup, generator: torch.Generator) -> Log:
    x, y = setup.train
    n = len(x)
    per_epoch = math.ceil(n / setup.batch)
    log = Log(steps_per_epoch=per_epoch, classes=setup.classes, optimizer=type(setup.optimizer).__name__)
    step = 0
    for epoch in range(setup.epochs):
        if setup.shuffle:
            order = torch.randperm(n, generator=generator)
        else:
            order = setup.order if setup.order is not None else torch.arange(n)
        losses, correct = [], []
        for b in range(per_epoch):
            idx = order[b * setup.batch:(b + 1) * setup.batch]
            lr = setup.lr_at(step) if setup.lr_at else setup.optimizer.param_groups[0]['lr']
            for group in setup.optimizer.param_groups:
                group['lr'] = lr
            out = setup.model(x[idx])
            loss = setup.loss(out, y[idx])
            setup.optimizer.zero_grad()
            loss.backward()
            grad_norm = _grad_norm(setup.model)
            setup.optimizer.step()
            step += 1
            value = loss.item()
            losses.append(value)
            if setup.classes:
                correct.append(_accuracy(out.detach(), y[idx]))
            log.steps.append({'step': step, 'epoch': epoch + (b + 1) / per_epoch, 'loss': value, 'grad_norm': grad_norm, 'lr': lr})
        row = {'epoch': epoch, 'loss': sum(losses) / len(losses), 'lr': lr}
        if setup.classes:
            row['accuracy'] = sum(correct) / len(correct)
        for name, data in (('val', setup.val), ('test', setup.test)):
            if data is not None:
                row[f'{name}_loss'], acc = _evaluate(setup, data)
                if acc is not None:
                    row[f'{name}_accuracy'] = acc
        log.epochs.append(row)
    return log
