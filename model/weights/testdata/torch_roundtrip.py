#!/usr/bin/env python3
"""Checks that FashionLab weights files are PyTorch state_dicts, both ways.

usage: torch_roundtrip.py WEIGHTS INPUTS OUTDIR

WEIGHTS is a safetensors file written by the Go package; its metadata holds
the network configuration under "fashionlab.config". INPUTS is raw
little-endian float32 images, N x 1 x 28 x 28. The script

  1. builds the homework's nn.Sequential from the configuration (in eval
     mode, so dropout layers pass their input on), loads
     WEIGHTS with load_state_dict(strict=True) and writes the logits and the
     softmax outputs on INPUTS to OUTDIR/go_logits.f32 and OUTDIR/go_probs.f32;
  2. builds a second network with PyTorch's own initialization, saves its
     state_dict to OUTDIR/torch.safetensors in the same format and writes its
     logits and softmax outputs to OUTDIR/torch_logits.f32 and
     OUTDIR/torch_probs.f32.

It needs only numpy and torch: the safetensors format (an 8-byte
little-endian header length, a JSON header, then the raw tensor data) is
read and written by hand.
"""

import json
import struct
import sys

import numpy as np
import torch
from torch import nn

CONFIG_KEY = "fashionlab.config"


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, want F32")
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype="<f4").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header = {"__metadata__": meta}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        array = tensors[name].detach().cpu().contiguous().numpy().astype("<f4")
        raw = array.tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for raw in chunks:
            f.write(raw)


def build(cfg):
    """The homework's network for a configuration; with "dropout", an
    nn.Dropout follows every hidden layer's activation."""
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[cfg["activation"]]
    layers = []
    if cfg["net"] == "mlp":
        layers.append(nn.Flatten())
        width = 28 * 28
    else:
        convs = list(
            zip(cfg["n_channels"], cfg["kernel_sizes"], cfg["strides"], cfg["paddings"])
        )
        channels = 1
        for i, (out, kernel, stride, padding) in enumerate(convs):
            layers.append(nn.Conv2d(channels, out, kernel, stride=stride, padding=padding))
            layers.append(act())
            if i < len(convs) - 1:
                layers.append(nn.MaxPool2d(2))
            else:
                layers.append(nn.AdaptiveMaxPool2d((4, 4)))
            channels = out
        layers.append(nn.Flatten())
        width = channels * 4 * 4
    dropout = cfg.get("dropout", 0)
    for hidden in cfg.get("dense_hiddens") or []:
        layers.append(nn.Linear(width, hidden))
        layers.append(act())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = hidden
    layers.append(nn.Linear(width, 10))
    layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def run(model, x, outdir, prefix):
    model.eval()
    with torch.no_grad():
        logits = model[:-1](x)
        probs = model(x)
    logits.numpy().astype("<f4").tofile(f"{outdir}/{prefix}_logits.f32")
    probs.numpy().astype("<f4").tofile(f"{outdir}/{prefix}_probs.f32")


def main():
    weights, inputs, outdir = sys.argv[1:4]
    tensors, meta = read_safetensors(weights)
    cfg = json.loads(meta[CONFIG_KEY])
    x = torch.from_numpy(np.fromfile(inputs, dtype="<f4").reshape(-1, 1, 28, 28).copy())

    model = build(cfg)
    model.load_state_dict(tensors, strict=True)
    run(model, x, outdir, "go")

    torch.manual_seed(197331)
    fresh = build(cfg)
    write_safetensors(
        f"{outdir}/torch.safetensors",
        fresh.state_dict(),
        {"format": "pt", CONFIG_KEY: meta[CONFIG_KEY]},
    )
    run(fresh, x, outdir, "torch")


if __name__ == "__main__":
    main()
