"""The PyTorch peer for bench/run.ts: the same workloads as bench/workloads.ts, on CPU, 2 threads.

Run with Debian's system interpreter and Debian's OpenBLAS (see bench/README.md):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/torch_workloads.py --workload W1
Prints one line `RESULT {json}` with the same fields as bench/measure.ts's Measurement.
"""
import argparse
import json
import math
import resource
import statistics
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(2)

# Mirrors WORKLOADS in bench/workloads.ts. Shapes are per sample, channels last as Keras; the models
# below transpose to PyTorch's channels-first layout once, outside the timed loop.
TRAIN = {
    "W1": dict(inp=(30,), tgt=(30,), samples=3000, batch=20, val=0.2, loss="mse", unit="s/epoch"),
    "W2": dict(inp=(10, 3, 1), tgt=(12, 10, 1), samples=10000, batch=32, val=0.0, loss="mse", unit="s/epoch"),
    "W3": dict(inp=(128, 9), tgt=(6,), samples=7352, batch=64, val=0.0, loss="cce", unit="s/epoch"),
    "W4": dict(inp=(50, 8), tgt=(1,), samples=5000, batch=32, val=0.0, loss="mse", unit="s/epoch"),
    "W5": dict(inp=(28, 28, 1), tgt=(10,), samples=60000, batch=128, val=0.0, loss="cce", unit="samples/s"),
}


class W1(nn.Module):
    def __init__(self):
        super().__init__()
        self.d1, self.d2 = nn.Linear(30, 100), nn.Linear(100, 30)

    def forward(self, x):
        return self.d2(F.relu(self.d1(x)))


class W2(nn.Module):
    # Keras 'valid' Conv2DTranspose == PyTorch ConvTranspose2d with padding 0.
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 2, (2, 2)), nn.Conv2d(2, 4, (2, 2))
        self.t1, self.t2, self.t3 = nn.ConvTranspose2d(4, 4, (3, 4)), nn.ConvTranspose2d(4, 2, (2, 4)), nn.ConvTranspose2d(2, 1, (2, 4))

    def forward(self, x):  # x: (N, 1, 10, 3)
        return self.t3(self.t2(self.t1(self.c2(self.c1(x)))))


class W3(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.d = nn.Conv1d(9, 100, 10), nn.Conv1d(100, 100, 10), nn.Linear(100, 6)

    def forward(self, x):  # x: (N, 9, 128); returns logits (softmax is fused into the loss)
        return self.d(F.relu(self.c2(F.relu(self.c1(x)))).amax(dim=2))


class W4(nn.Module):
    def __init__(self):
        super().__init__()
        self.r1, self.r2, self.d = nn.RNN(8, 64, batch_first=True), nn.RNN(64, 64, batch_first=True), nn.Linear(64, 1)

    def forward(self, x):  # x: (N, 50, 8)
        seq, _ = self.r1(x)
        _, h = self.r2(seq)
        return self.d(h[0])


class W5(nn.Module):
    # keras-io/examples/vision/mnist_convnet.py: 34,826 parameters.
    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.drop, self.d = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3), nn.Dropout(0.5), nn.Linear(1600, 10)

    def forward(self, x):  # x: (N, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        return self.d(self.drop(torch.flatten(x, 1)))


MODELS = {"W1": W1, "W2": W2, "W3": W3, "W4": W4, "W5": W5}


def to_torch_layout(wid, x):
    if wid in ("W2", "W5"):
        return x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    if wid == "W3":
        return x.permute(0, 2, 1).contiguous()  # NWC -> NCW
    return x


def data(spec, n, wid):
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.random((n, *spec["inp"]), dtype=np.float32))
    if spec["loss"] == "cce":
        y = torch.from_numpy(rng.integers(0, spec["tgt"][0], n)).long()  # class indices == one-hot targets
    else:
        y = torch.from_numpy(rng.random((n, *spec["tgt"]), dtype=np.float32))
        if wid == "W2":
            y = to_torch_layout(wid, y)
    return to_torch_layout(wid, x), y


def loss_fn(spec):
    return F.mse_loss if spec["loss"] == "mse" else F.cross_entropy


def train(wid, steps_cap, repeats, memory_epochs):
    spec = TRAIN[wid]
    train_full = spec["samples"] - math.floor(spec["samples"] * spec["val"])
    steps_full = math.ceil(train_full / spec["batch"])
    steps = min(steps_cap, steps_full) if steps_cap > 0 else steps_full
    n = spec["samples"] if steps == steps_full else math.ceil(steps * spec["batch"] / (1 - spec["val"]))
    torch.manual_seed(0)
    model = MODELS[wid]()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)  # Keras's Adam defaults
    x, y = data(spec, n, wid)
    n_train = n - math.floor(n * spec["val"])  # Keras validation_split takes the last samples
    xt, yt, xv, yv = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    lf = loss_fn(spec)
    epochs = memory_epochs if memory_epochs > 0 else 1 + repeats
    marks = [round(memory_epochs / 10), round(memory_epochs / 2), memory_epochs] if memory_epochs > 0 else []
    seconds, rss = [], {}
    for epoch in range(epochs):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n_train)
        for s in range(0, n_train, spec["batch"]):
            idx = order[s:s + spec["batch"]]
            xb, yb = xt[idx], yt[idx]
            opt.zero_grad()
            pred = model(xb)
            loss = lf(pred, yb)
            loss.backward()
            opt.step()
            if wid == "W1":
                F.l1_loss(pred.detach(), yb)  # the MAE metric, as Keras computes it each batch
        if len(xv):
            model.eval()
            with torch.no_grad():
                for s in range(0, len(xv), spec["batch"]):
                    p = model(xv[s:s + spec["batch"]])
                    lf(p, yv[s:s + spec["batch"]]), F.l1_loss(p, yv[s:s + spec["batch"]])
        seconds.append(time.perf_counter() - t0)
        if epoch + 1 in marks:
            rss[str(epoch + 1)] = round(current_rss_mb())

    def unit(sec):
        return steps * spec["batch"] / sec if spec["unit"] == "samples/s" else sec * steps_full / steps

    timed = [unit(s) for s in seconds[1:]]
    note = f"{steps} batches per timed epoch" if spec["unit"] == "samples/s" else (
        f"extrapolated from {steps} of {steps_full} steps" if steps < steps_full else "")
    out = dict(unit=spec["unit"], value=statistics.median(timed) if timed else None, samples=timed, warmup=unit(seconds[0]), note=note)
    if marks:
        out["rssAtEpoch"] = rss
    return out


def ms_per_call(fn, budget_ms):
    t0 = time.perf_counter()
    calls = 0
    while True:
        fn()
        calls += 1
        elapsed = (time.perf_counter() - t0) * 1000
        if elapsed >= budget_ms:
            return elapsed / calls


def predict(wid, repeats, budget_ms):
    src, batch, unit, scale = ("W1", 1, "µs/predict", 1000) if wid == "W6a" else ("W5", 1000, "ms/predict", 1)
    torch.manual_seed(0)
    model = MODELS[src]().eval()
    x, _ = data(TRAIN[src], batch, src)

    def call():
        with torch.no_grad():
            model(x)

    t0 = time.perf_counter()
    call()
    warmup = (time.perf_counter() - t0) * 1000 * scale
    samples = [ms_per_call(call, budget_ms) * scale for _ in range(repeats)]
    return dict(unit=unit, value=statistics.median(samples), samples=samples, warmup=warmup, note="")


def gemm(repeats):
    n = 1024
    a, b = torch.rand(n, n), torch.rand(n, n)
    gflops = lambda ms: 2 * n ** 3 / (ms * 1e6)
    t0 = time.perf_counter()
    torch.mm(a, b)
    warmup = gflops((time.perf_counter() - t0) * 1000)
    samples = [gflops(ms_per_call(lambda: torch.mm(a, b), 0)) for _ in range(repeats)]
    return dict(unit="GFLOP/s", value=statistics.median(samples), samples=samples, warmup=warmup, note="")


def current_rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2 ** 20


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workload", default="W1")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=0)
    p.add_argument("--memory-epochs", type=int, default=0)
    p.add_argument("--budget-ms", type=float, default=500)
    a = p.parse_args()
    if a.workload in TRAIN:
        m = train(a.workload, a.steps, a.repeats, a.memory_epochs)
    elif a.workload in ("W6a", "W6b"):
        m = predict(a.workload, a.repeats, a.budget_ms)
    else:
        m = gemm(a.repeats)
    m.update(peer="torch", workload=a.workload, maxRssMB=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    print("RESULT " + json.dumps(m), flush=True)


if __name__ == "__main__":
    main()
