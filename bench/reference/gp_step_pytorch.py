#!/usr/bin/env python3
"""One BO step in plain PyTorch (Python), the peer of bench/bo_step: the same exact GP as tnas (constant
mean, scaled Matern-5/2 with one lengthscale, Gaussian noise with a 1e-4 floor, float64), 50 Adam steps
(lr 0.1) on -MLL/n of n observations, then mean and variance for 15,625 cells of 194-d features.
With gpytorch importable, the same step through gpytorch is timed too (bench/reference/gp_step_gpytorch.py).
Prints a markdown table; --json FILE writes the numbers. Usage: gp_step_pytorch.py [--quick] [--device cpu|cuda]"""
import argparse, json, math, time

import torch


def matern52(a, b, log_ls, log_os):
    d2 = (a.pow(2).sum(1, keepdim=True) + b.pow(2).sum(1).unsqueeze(0) - 2 * a @ b.T).clamp_min(1e-30)
    u = math.sqrt(5) * d2.sqrt() / log_ls.exp()
    return log_os.exp() * (1 + u + u.pow(2) / 3) * torch.exp(-u)


def step(pool, n, device):
    x = pool[:n]
    y = torch.linspace(-1, 1, n, dtype=torch.float64, device=device)
    p = {k: torch.zeros((), dtype=torch.float64, device=device, requires_grad=True) for k in ("mean", "ls", "os", "noise")}
    opt = torch.optim.Adam(p.values(), lr=0.1)
    eye = torch.eye(n, dtype=torch.float64, device=device)
    for _ in range(50):
        opt.zero_grad()
        k = matern52(x, x, p["ls"], p["os"]) + (p["noise"].exp() + 1e-4) * eye
        l = torch.linalg.cholesky(k)
        r = (y - p["mean"]).unsqueeze(1)
        alpha = torch.cholesky_solve(r, l)
        nll = (0.5 * (r * alpha).sum() + l.diagonal().log().sum() + 0.5 * n * math.log(2 * math.pi)) / n
        nll.backward()
        opt.step()
    with torch.no_grad():
        k = matern52(x, x, p["ls"], p["os"]) + (p["noise"].exp() + 1e-4) * eye
        l = torch.linalg.cholesky(k)
        alpha = torch.cholesky_solve((y - p["mean"]).unsqueeze(1), l)
        ks = matern52(x, pool, p["ls"], p["os"])
        mu = (ks.T @ alpha).squeeze(1) + p["mean"]
        v = torch.linalg.solve_triangular(l, ks, upper=False)
        var = (p["os"].exp() - v.pow(2).sum(0)).clamp_min(1e-12)
    if device == "cuda":
        torch.cuda.synchronize()
    return mu, var


def median_ms(fn, repeats):
    fn()
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return 1000 * sorted(ts)[len(ts) // 2]


if __name__ == "__main__":
    a = argparse.ArgumentParser()
    a.add_argument("--device", default="cpu")
    a.add_argument("--quick", action="store_true")
    a.add_argument("--threads", type=int, default=0, help="torch threads (0 = PyTorch's default)")
    a.add_argument("--json")
    a = a.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    try:
        import gp_step_gpytorch  # same folder
        gpytorch_step = gp_step_gpytorch.step
        import gpytorch
        gpytorch_version = gpytorch.__version__
    except ImportError:
        gpytorch_step, gpytorch_version = None, None
    torch.manual_seed(0)
    pool = torch.rand(15625, 194, dtype=torch.float64, device=a.device)
    rows = []
    print(f"| n | PyTorch {torch.__version__} (Python, ms, median) | gpytorch (ms) | threads |")
    print("| --- | --- | --- | --- |")
    for n in ([5, 30] if a.quick else [5, 30, 100, 300]):
        reps = 3 if a.quick else 7
        ms = median_ms(lambda: step(pool, n, a.device), reps)
        gms = median_ms(lambda: gpytorch_step(pool, n, a.device), reps) if gpytorch_step else None
        rows.append({"n": n, "pytorch_ms": ms, "gpytorch_ms": gms})
        g = f"{gms:.1f}" if gms is not None else "not installed"
        print(f"| {n} | {ms:.1f} | {g} | {torch.get_num_threads()} |", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"device": a.device, "torch": torch.__version__, "gpytorch": gpytorch_version,
                       "threads": torch.get_num_threads(), "rows": rows}, f, indent=1)
