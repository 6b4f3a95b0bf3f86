"""One BO step with gpytorch (same model as tnas: constant mean, scaled Matern-5/2, one lengthscale,
Gaussian noise): 50 Adam steps (lr 0.1) on n observations + mean and variance for 15,625 cells.
Usage: python3 gp_step_gpytorch.py [--device cuda] [--quick]  -> one JSON line per n."""
import argparse, json, time
import torch, gpytorch

class GP(gpytorch.models.ExactGP):
    def __init__(self, x, y, lik):
        super().__init__(x, y, lik)
        self.mean = gpytorch.means.ConstantMean()
        self.cov = gpytorch.kernels.ScaleKernel(gpytorch.kernels.MaternKernel(nu=2.5))
    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(self.mean(x), self.cov(x))

def step(pool, n, device):
    x = pool[:n]; y = torch.linspace(-1, 1, n, dtype=torch.float64, device=device)
    lik = gpytorch.likelihoods.GaussianLikelihood(noise_constraint=gpytorch.constraints.GreaterThan(1e-4)).to(device, torch.float64)
    m = GP(x, y, lik).to(device, torch.float64)
    m.train(); lik.train()
    opt = torch.optim.Adam(m.parameters(), lr=0.1)
    mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, m)
    for _ in range(50):
        opt.zero_grad(); loss = -mll(m(x), y); loss.backward(); opt.step()
    m.eval(); lik.eval()
    with torch.no_grad():
        p = m(pool); mu, var = p.mean, p.variance
    if device == "cuda": torch.cuda.synchronize()
    return mu, var

if __name__ == "__main__":
    a = argparse.ArgumentParser(); a.add_argument("--device", default="cuda"); a.add_argument("--quick", action="store_true"); a = a.parse_args()
    pool = torch.rand(15625, 194, dtype=torch.float64, device=a.device)
    for n in ([5, 30] if a.quick else [5, 30, 100, 300]):
        step(pool, n, a.device)
        ts = []
        for _ in range(3 if a.quick else 7):
            t = time.perf_counter(); step(pool, n, a.device); ts.append(time.perf_counter() - t)
        ts.sort()
        print(json.dumps({"n": n, "gpytorch_ms": 1000 * ts[len(ts) // 2], "device": a.device, "gpytorch": gpytorch.__version__}))
