"""PyTorch reference trainer for FashionLab's speed comparison (`make bench`).

Trains the homework's networks with the homework's semantics (see the README's
"Performance" section): train = the 60,000 training images, per-pixel
normalization with the training set's mean and unbiased std, batches of 128
in order, Adam at learning rate 1e-4, the softmax clamped to [1e-9, 1 - 1e-9]
and the batch mean of -log p[label]. It times each epoch's training steps,
then evaluates the 8,000 test images in one pass (as the homework does, which
is what sets PyTorch's peak memory), and optionally times inference on the
10,000 t10k images.

Needs Debian's python3-torch; for meaningful timings also libopenblas0-openmp
(Debian's torch otherwise calls the reference BLAS). Run with /usr/bin/python3.
"""
import argparse
import gzip
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir):
    x_train, y_train, x_test, y_test = (read_idx(os.path.join(data_dir, f)) for f in FILES)
    as_images = lambda a: torch.from_numpy(a.astype(np.float32)).reshape(-1, 1, 28, 28)
    as_labels = lambda a: torch.from_numpy(a.astype(np.int64))
    return as_images(x_train), as_labels(y_train), as_images(x_test), as_labels(y_test)


def build(net):
    """The homework's default MLP (784-256-256-10) or CNN (16, 32, 48 3x3)."""
    if net == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                             nn.Linear(256, 10), nn.Softmax(dim=1))
    return nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 48, 3), nn.ReLU(), nn.AdaptiveMaxPool2d((4, 4)),
        nn.Flatten(), nn.Linear(768, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
        nn.Linear(256, 10), nn.Softmax(dim=1))


def loss_fn(probs, labels):
    p = torch.clamp(probs, 1e-9, 1 - 1e-9)
    return -torch.log(p.gather(1, labels[:, None])).mean()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--net", choices=("mlp", "cnn"), default="cnn")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=197331)
    ap.add_argument("--infer-batch", type=int, default=128)
    ap.add_argument("--no-infer", action="store_true", help="skip the inference timing")
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out", required=True, help="JSON file for the results")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    x_train, y_train, x_test, y_test = load(a.data_dir)
    mean, std = x_train.mean(0), x_train.std(0)
    std[std == 0] = 1
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    net = build(a.net)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)

    epoch_seconds = []
    for _ in range(a.epochs):
        start = time.perf_counter()
        for i in range(0, len(x_train), a.batch):
            opt.zero_grad()
            loss_fn(net(x_train[i:i + a.batch]), y_train[i:i + a.batch]).backward()
            opt.step()
        epoch_seconds.append(time.perf_counter() - start)

    with torch.no_grad():
        test_acc = float((net(x_test[2000:]).argmax(1) == y_test[2000:]).float().mean())
        infer = None
        if not a.no_infer:
            passes = []
            for _ in range(4):  # the first pass warms up and is dropped
                start = time.perf_counter()
                for i in range(0, len(x_test), a.infer_batch):
                    net(x_test[i:i + a.infer_batch])
                passes.append(time.perf_counter() - start)
            infer = {"batch": a.infer_batch, "images_per_s": len(x_test) / statistics.median(passes[1:])}

    median = statistics.median(epoch_seconds)
    result = {
        "net": a.net, "threads": a.threads, "torch": torch.__version__,
        "median_epoch_train_s": median, "train_images_per_s": len(x_train) / median,
        "logs": {"epoch_train_seconds": epoch_seconds},
        "test_accuracy": test_acc, "inference": infer,
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
