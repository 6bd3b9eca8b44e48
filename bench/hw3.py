"""PyTorch reference for the FashionMNIST MLP-vs-CNN homework trainer.

Re-implements the homework's Trainer semantics (data split, per-pixel
normalization, MLP/CNN builders, clamped-softmax cross-entropy, Adam, in-order
minibatches, per-epoch logging of train/valid metrics and of the last batch's
global gradient norm) and adds timing instrumentation.

Run `python3 hw3.py --help` for flags. `make bench` (cmd/bench) runs it next to
FashionLab; see PERFORMANCE.md next to this file. It needs Debian's python3-torch
and, for meaningful timings, libopenblas0-openmp.
"""
import argparse
import gzip
import json
import math
import os
import platform
import random
import resource
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"

# Named network configurations. "default" is the homework's configuration.
CONFIGS = {
    "mlp": {
        "default": {"dense_hiddens": [256, 256]},
        # 54 hidden layers of width 64 (~271k params), the "deep narrow MLP".
        "deep64": {"dense_hiddens": [64] * 54},
    },
    "cnn": {
        "default": {"n_channels": [16, 32, 48], "kernel_sizes": [3, 3, 3],
                    "strides": [1, 1, 1], "paddings": [0, 0, 0],
                    "dense_hiddens": [256, 256], "final_pool": "adaptive"},
        # Same as default but without the AdaptiveMaxPool2d((4,4)): flatten 48*3*3=432.
        "bench": {"n_channels": [16, 32, 48], "kernel_sizes": [3, 3, 3],
                  "strides": [1, 1, 1], "paddings": [0, 0, 0],
                  "dense_hiddens": [256, 256], "final_pool": "none"},
        # Kernel-size experiment. "deep": five 1x1 conv layers
        # (28->14->7->3->1 spatially, then AdaptiveMaxPool to 4x4), 277,290 params.
        "deep_k1": {"n_channels": [32, 48, 64, 64, 48], "kernel_sizes": [1, 1, 1, 1, 1],
                    "strides": [1, 1, 1, 1, 1], "paddings": [0, 0, 0, 0, 0],
                    "dense_hiddens": [256, 256], "final_pool": "adaptive"},
        # Same 1x1 stack, first layer padded by 2: 32->16->8->4->2 so every pool is exact and
        # the whole image reaches the head (then AdaptiveMaxPool 2x2 -> 4x4), 277,290 params.
        "deep_k1_pad2": {"n_channels": [32, 48, 64, 64, 48], "kernel_sizes": [1, 1, 1, 1, 1],
                         "strides": [1, 1, 1, 1, 1], "paddings": [2, 0, 0, 0, 0],
                         "dense_hiddens": [256, 256], "final_pool": "adaptive"},
        # "shallow": a single 28x28 conv (one output pixel, 44 channels), 283,382 params.
        "shallow_k28": {"n_channels": [44], "kernel_sizes": [28], "strides": [1],
                        "paddings": [0], "dense_hiddens": [256, 256],
                        "final_pool": "adaptive"},
    },
}

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}


# ----------------------------------------------------------------------------- data
def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    ndim = magic & 0xFF
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_dataset(data_dir):
    """train = 60000 train images; valid = first 2000 t10k images; test = remaining 8000.
    Images float32 0..255, shape (N,1,28,28); labels int64."""
    def imgs(name):
        a = read_idx(os.path.join(data_dir, name))
        return torch.from_numpy(a.astype(np.float32)).reshape(-1, 1, 28, 28)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(data_dir, name)).astype(np.int64))

    x_tr = imgs("train-images-idx3-ubyte.gz")
    y_tr = labels("train-labels-idx1-ubyte.gz")
    x_te = imgs("t10k-images-idx3-ubyte.gz")
    y_te = labels("t10k-labels-idx1-ubyte.gz")
    return (x_tr, y_tr), (x_te[:2000], y_te[:2000]), (x_te[2000:], y_te[2000:])


def normalize(train, valid, test):
    x_tr = train[0]
    mean = x_tr.mean(0)
    std = x_tr.std(0)  # torch default: unbiased (N-1)
    f = lambda d: ((d[0] - mean) / std, d[1])
    return f(train), f(valid), f(test)


# ----------------------------------------------------------------------------- models
def create_mlp(dense_hiddens, activation):
    layers = [nn.Flatten()]
    fan_in = 784
    for h in dense_hiddens:
        layers += [nn.Linear(fan_in, h), activation()]
        fan_in = h
    layers += [nn.Linear(fan_in, 10), nn.Softmax(dim=1)]
    return nn.Sequential(*layers)


def create_cnn(n_channels, kernel_sizes, strides, paddings, dense_hiddens, activation,
               final_pool="adaptive"):
    layers = []
    c_in, size = 1, 28
    n = len(n_channels)
    for i, (c, k, s, p) in enumerate(zip(n_channels, kernel_sizes, strides, paddings)):
        layers += [nn.Conv2d(c_in, c, k, stride=s, padding=p), activation()]
        size = (size + 2 * p - k) // s + 1
        if i < n - 1:
            layers.append(nn.MaxPool2d(2))
            size //= 2
        elif final_pool == "adaptive":
            layers.append(nn.AdaptiveMaxPool2d((4, 4)))
            size = 4
        c_in = c
    layers.append(nn.Flatten())
    fan_in = c_in * size * size
    for h in dense_hiddens:
        layers += [nn.Linear(fan_in, h), activation()]
        fan_in = h
    layers += [nn.Linear(fan_in, 10), nn.Softmax(dim=1)]
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------- trainer
class Trainer:
    def __init__(self, network_type, net_config, data_dir, lr, batch_size,
                 activation_name, normalization, seed):
        self.lr, self.batch_size = lr, batch_size
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        self.train, self.valid, self.test = load_dataset(data_dir)
        if normalization:
            self.train, self.valid, self.test = normalize(self.train, self.valid, self.test)
        self.data_load_s = time.perf_counter() - t0
        act = ACTIVATIONS[activation_name]
        if network_type == "mlp":
            self.network = create_mlp(net_config["dense_hiddens"], act)
        else:
            self.network = create_cnn(
                net_config["n_channels"], net_config["kernel_sizes"], net_config["strides"],
                net_config["paddings"], net_config["dense_hiddens"], act,
                net_config.get("final_pool", "adaptive"))
        self.optimizer = torch.optim.Adam(self.network.parameters(), lr=lr)
        self.logs = {k: [] for k in ("train_loss", "train_accuracy", "validation_loss",
                                     "validation_accuracy", "train_gradient_norm",
                                     "epoch_train_seconds", "epoch_log_seconds")}

    def n_params(self):
        return sum(p.numel() for p in self.network.parameters())

    @staticmethod
    def loss_and_accuracy(y_pred, y_onehot):
        p = torch.clamp(y_pred, 1e-9, 1 - 1e-9)
        loss = -(y_onehot * torch.log(p)).sum(dim=1).mean()
        acc = (y_pred.argmax(1) == y_onehot.argmax(1)).float().mean()
        return loss, acc

    def compute_loss_and_accuracy(self, x, y_onehot):
        return self.loss_and_accuracy(self.network(x), y_onehot)

    def gradient_norm(self):
        sq = [p.grad.detach().pow(2).sum() for p in self.network.parameters()
              if p.grad is not None]
        return float(torch.sqrt(torch.stack(sq).sum()))

    def training_step(self, xb, yb):
        self.optimizer.zero_grad()
        loss, _ = self.compute_loss_and_accuracy(xb, yb)
        loss.backward()
        self.optimizer.step()  # gradients are left untouched by step()

    def log_metrics(self, x_tr, y_tr, x_va, y_va):
        self.network.eval()
        with torch.no_grad():
            tl, ta = self.compute_loss_and_accuracy(x_tr, y_tr)
            vl, va = self.compute_loss_and_accuracy(x_va, y_va)
        self.network.train()
        for k, v in (("train_loss", tl), ("train_accuracy", ta),
                     ("validation_loss", vl), ("validation_accuracy", va)):
            self.logs[k].append(float(v))

    def train_loop(self, n_epochs, skip_metrics=False, verbose=True):
        x_tr, y_tr = self.train
        x_va, y_va = self.valid
        y1_tr = nn.functional.one_hot(y_tr, 10).float()
        y1_va = nn.functional.one_hot(y_va, 10).float()
        n, bs = len(x_tr), self.batch_size
        n_batches = int(math.ceil(n / bs))
        if not skip_metrics:
            self.log_metrics(x_tr[:2000], y1_tr[:2000], x_va, y1_va)
            self._print(-1, verbose)
        for epoch in range(n_epochs):
            t0 = time.perf_counter()
            for b in range(n_batches):  # in order, no shuffling
                self.training_step(x_tr[bs * b: bs * (b + 1)], y1_tr[bs * b: bs * (b + 1)])
            t1 = time.perf_counter()
            # global L2 norm of the gradients of the LAST batch of the epoch
            self.logs["train_gradient_norm"].append(self.gradient_norm())
            self.logs["epoch_train_seconds"].append(t1 - t0)
            if not skip_metrics:
                self.log_metrics(x_tr[:2000], y1_tr[:2000], x_va, y1_va)
            self.logs["epoch_log_seconds"].append(time.perf_counter() - t1)
            self._print(epoch, verbose, skip_metrics)
        return self.logs

    def _print(self, epoch, verbose, skip_metrics=False):
        if not verbose:
            return
        L = self.logs
        parts = [f"epoch {epoch + 1:>3}"]
        if epoch >= 0:
            parts.append(f"train_s {L['epoch_train_seconds'][-1]:.3f}")
            parts.append(f"gnorm {L['train_gradient_norm'][-1]:.4g}")
        if not skip_metrics:
            parts.append(f"train_loss {L['train_loss'][-1]:.4f} train_acc {L['train_accuracy'][-1]:.4f}"
                         f" val_loss {L['validation_loss'][-1]:.4f} val_acc {L['validation_accuracy'][-1]:.4f}")
        print(" | ".join(parts), flush=True)

    def evaluate(self, x, y):
        self.network.eval()
        with torch.no_grad():
            loss, acc = self.compute_loss_and_accuracy(x, nn.functional.one_hot(y, 10).float())
        return float(loss), float(acc)

    def inference_benchmark(self, batch_size=1000, reps=3):
        """Forward-only throughput on all 10000 t10k images (valid+test), no_grad."""
        x = torch.cat([self.valid[0], self.test[0]])
        self.network.eval()
        times = []
        with torch.no_grad():
            for r in range(reps + 1):  # first pass is warm-up
                t0 = time.perf_counter()
                for i in range(0, len(x), batch_size):
                    self.network(x[i: i + batch_size])
                if r > 0:
                    times.append(time.perf_counter() - t0)
        med = statistics.median(times)
        return {"batch_size": batch_size, "images": len(x), "seconds": times,
                "median_s": med, "images_per_s": len(x) / med}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--net", choices=["mlp", "cnn"], default="mlp")
    ap.add_argument("--config", default="default",
                    help="named config: mlp: default|deep64; cnn: default|bench|deep_k1|deep_k1_pad2|shallow_k28")
    ap.add_argument("--hiddens", type=str, default=None,
                    help="override dense_hiddens, e.g. '256,256' or '64*54'")
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--activation", choices=list(ACTIVATIONS), default="relu")
    ap.add_argument("--normalization", choices=["on", "off"], default="on")
    ap.add_argument("--seed", type=int, default=197331)
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    ap.add_argument("--skip-metrics", action="store_true",
                    help="timing runs: skip per-epoch train/valid metric logging")
    ap.add_argument("--infer-bench", action="store_true",
                    help="after training, time forward passes over the 10000 t10k images")
    ap.add_argument("--infer-batch", type=int, default=1000)
    ap.add_argument("--no-test", action="store_true", help="skip final test-set evaluation")
    ap.add_argument("--out", default=None, help="write a JSON log here")
    ap.add_argument("--tag", default="", help="free-form label stored in the JSON")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    cfg = dict(CONFIGS[a.net][a.config])
    if a.hiddens:
        if "*" in a.hiddens:
            w, d = a.hiddens.split("*")
            cfg["dense_hiddens"] = [int(w)] * int(d)
        else:
            cfg["dense_hiddens"] = [int(v) for v in a.hiddens.split(",")]

    tr = Trainer(a.net, cfg, a.data_dir, a.lr, a.batch_size, a.activation,
                 a.normalization == "on", a.seed)
    print(f"torch {torch.__version__} threads={torch.get_num_threads()} net={a.net} "
          f"config={a.config} params={tr.n_params()} lr={a.lr} norm={a.normalization} "
          f"data_load_s={tr.data_load_s:.2f}", flush=True)
    if a.net == "cnn":
        print(tr.network, flush=True)
    t_start = time.perf_counter()
    logs = tr.train_loop(a.epochs, skip_metrics=a.skip_metrics)
    total_s = time.perf_counter() - t_start

    result = {
        "tag": a.tag, "args": vars(a), "net_config": cfg, "n_params": tr.n_params(),
        "torch_version": torch.__version__, "threads": torch.get_num_threads(),
        "python": platform.python_version(), "machine": platform.machine(),
        # which BLAS: last component of LD_LIBRARY_PATH entries (e.g. "openblas-openmp"),
        # "system libblas.so.3" if unset; absolute paths are deliberately not recorded
        "blas": ",".join(os.path.basename(p.rstrip("/")) for p in
                         os.environ.get("LD_LIBRARY_PATH", "").split(":") if p) or "system libblas.so.3",
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "logs": logs, "total_loop_s": total_s,
    }
    ep = logs["epoch_train_seconds"]
    if ep:
        med = statistics.median(ep)
        result["median_epoch_train_s"] = med
        result["train_images_per_s"] = len(tr.train[0]) / med
        print(f"median epoch train time {med:.3f}s = {len(tr.train[0]) / med:.0f} img/s "
              f"(epochs: {', '.join(f'{t:.3f}' for t in ep)})", flush=True)
    nan_epochs = [i + 1 for i, v in enumerate(logs["train_loss"][1:]) if math.isnan(v)]
    nan_g = [i + 1 for i, v in enumerate(logs["train_gradient_norm"]) if math.isnan(v)]
    result["first_nan_loss_epoch"] = nan_epochs[0] if nan_epochs else None
    result["first_nan_gradnorm_epoch"] = nan_g[0] if nan_g else None
    if not a.no_test:
        result["test_loss"], result["test_accuracy"] = tr.evaluate(*tr.test)
        print(f"test loss {result['test_loss']:.4f} acc {result['test_accuracy']:.4f}")
    if a.infer_bench:
        result["inference"] = tr.inference_benchmark(a.infer_batch)
        print(f"inference: {result['inference']['images_per_s']:.0f} img/s "
              f"(batch {a.infer_batch}, median of {len(result['inference']['seconds'])})")
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
