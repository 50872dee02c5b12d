"""Synthetic data sets and small models. Every tensor comes from a torch.Generator seeded by the
caller, so a task is the same bytes on every machine."""
import math

import torch
from torch import nn


def blobs(g, n, classes, dim=2, spread=1.0, centers=None):
    if centers is None:
        centers = torch.randn(classes, dim, generator=g) * 3.0
    y = torch.randint(0, classes, (n,), generator=g)
    x = centers[y] + torch.randn(n, dim, generator=g) * spread
    return x, y, centers


def spirals(g, n, classes=2, noise=0.15, turns=1.5):
    y = torch.randint(0, classes, (n,), generator=g)
    t = torch.rand(n, generator=g)
    angle = t * turns * 2 * math.pi + y.float() * (2 * math.pi / classes)
    radius = 0.2 + t * 2.0
    x = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], 1)
    return x + torch.randn(n, 2, generator=g) * noise, y


def moons(g, n, noise=0.2):
    y = torch.randint(0, 2, (n,), generator=g)
    t = torch.rand(n, generator=g) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], 1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], 1)
    x = torch.where(y[:, None] == 0, upper, lower)
    return x + torch.randn(n, 2, generator=g) * noise, y


def regression(g, n, dim=8, noise=0.1, weights=None, scale=1.0):
    if weights is None:
        weights = torch.randn(dim, generator=g)
    x = torch.randn(n, dim, generator=g) * scale
    y = torch.sin(x @ weights / math.sqrt(dim)) + 0.3 * (x @ weights) / math.sqrt(dim)
    return x, (y + torch.randn(n, generator=g) * noise)[:, None], weights


def tokens(g, n, length=12, vocab=8):
    """Label: which of the first three tokens occurs most often (ties go to the lowest)."""
    x = torch.randint(0, vocab, (n, length), generator=g)
    counts = torch.stack([(x == k).sum(1) for k in range(3)], 1)
    return x, counts.argmax(1)


def bar_images(g, n, size=8, noise=0.6):
    """Tiny images of a bright bar: horizontal, vertical or diagonal (3 classes)."""
    y = torch.randint(0, 3, (n,), generator=g)
    img = torch.randn(n, 1, size, size, generator=g) * noise
    pos = torch.randint(1, size - 1, (n,), generator=g)
    idx = torch.arange(size)
    for i in range(n):
        if y[i] == 0:
            img[i, 0, pos[i], :] += 1.5
        elif y[i] == 1:
            img[i, 0, :, pos[i]] += 1.5
        else:
            img[i, 0, idx, idx] += 1.5
    return img, y


def mlp(inputs, hidden, outputs, depth=2, act=nn.ReLU):
    layers, width = [], inputs
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), act()]
        width = hidden
    layers.append(nn.Linear(width, outputs))
    return nn.Sequential(*layers)


class TokenGRU(nn.Module):
    def __init__(self, vocab, classes, width=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.rnn = nn.GRU(16, width, batch_first=True)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        out, _ = self.rnn(self.embed(x))
        return self.head(out[:, -1])


def tiny_cnn(classes):
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(16, classes),
    )
