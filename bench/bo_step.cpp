// One BO step of tnas: fine-tune the GP hyperparameters (50 Adam steps) on n observations, then predict
// mean and variance for all 15,625 cells (194-d kernel features). Peers in the same run:
//   eigen    models/gp_regression (analytic gradients, float64) as meta_test search uses it: distance rows
//            from earlier observations to the pool kept across steps, one new row per step
//   autograd the same GP through LibTorch autograd (float64), as gpytorch-style implementations do it
#include <cstdio>
#include <cxxopts.hpp>

#include <torch/torch.h>

#include "basics/cli/cli_options.h"
#include "bench/bench_util.h"
#include "models/surrogate/gp_regression.h"

using namespace tnas;

namespace {

// As meta_test search does it: the distances from the n-1 earlier observations to the pool are kept from
// earlier steps; the step computes the newest observation's row, fits, and predicts the whole pool.
double eigen_step(const Eigen::MatrixXd& pool, const Eigen::VectorXd& pool_norms, Eigen::MatrixXd cached,
                  int n, int steps) {
  const double t0 = bench::now_seconds();
  cached.row(n - 1) = pairwise_distances(pool.row(n - 1), pool, &pool_norms);
  GpRegression gp(pool.topRows(n), Eigen::VectorXd::LinSpaced(n, -1, 1));
  gp.fit(steps, 0.1);
  Eigen::VectorXd mean, var;
  gp.predict_from_distances(cached, mean, var);
  if (!mean.allFinite()) std::abort();
  return bench::now_seconds() - t0;
}

double autograd_step(const torch::Tensor& pool, int n, int steps) {
  const double t0 = bench::now_seconds();
  auto x = pool.narrow(0, 0, n), y = torch::linspace(-1, 1, n, torch::kFloat64);
  auto opts = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
  auto mean = torch::zeros({1}, opts), ls = torch::zeros({1}, opts), os = torch::zeros({1}, opts),
       nz = torch::full({1}, -2.3, opts);
  torch::optim::Adam adam({mean, ls, os, nz}, torch::optim::AdamOptions(0.1));
  auto kernel = [&](const torch::Tensor& a, const torch::Tensor& b) {
    auto d = torch::cdist(a, b).clamp_min(1e-12);
    auto u = std::sqrt(5.0) * d / ls.exp();
    return os.exp() * (1 + u + u.pow(2) / 3) * torch::exp(-u);
  };
  for (int s = 0; s < steps; ++s) {
    auto k = kernel(x, x) + (nz.exp() + 1e-4) * torch::eye(n, torch::kFloat64);
    auto l = torch::linalg_cholesky(k);
    auto c = (y - mean).unsqueeze(1);
    auto alpha = torch::cholesky_solve(c, l);
    auto nll = 0.5 * (c * alpha).sum() + l.diagonal().log().sum();
    adam.zero_grad();
    nll.backward();
    adam.step();
  }
  torch::NoGradGuard ng;
  auto k = kernel(x, x) + (nz.exp() + 1e-4) * torch::eye(n, torch::kFloat64);
  auto l = torch::linalg_cholesky(k);
  auto ks = kernel(x, pool);
  auto mu = ks.t().matmul(torch::cholesky_solve((y - mean).unsqueeze(1), l));
  auto v = torch::linalg_solve_triangular(l, ks, false);
  auto var = os.exp() - v.pow(2).sum(0);
  if (!torch::isfinite(mu).all().item<bool>() || !torch::isfinite(var).all().item<bool>()) std::abort();
  return bench::now_seconds() - t0;
}

}  // namespace

int run(int argc, char** argv) {
  cxxopts::Options options("bo_step", "Time one BO step (50 Adam steps + prediction over 15,625 cells)");
  options.add_options()("quick", "n = 5, 30 only, 2 repetitions")(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const bool quick = args.count("quick") > 0;
  const int cells = 15625, dim = 194, reps = quick ? 2 : 7;
  Eigen::MatrixXd pool = Eigen::MatrixXd::Random(cells, dim);
  auto pool_t = torch::from_blob(pool.data(), {dim, cells}, torch::kFloat64).t().contiguous();
  std::vector<int> ns = quick ? std::vector<int>{5, 30} : std::vector<int>{5, 30, 100, 300};
  nlohmann::json rows = nlohmann::json::array();
  std::printf(
      "| n | eigen (ms, median of %d) | LibTorch autograd (ms) | speed-up |\n| --- | --- | --- | --- |\n",
      reps);
  for (int n : ns) {
    std::vector<double> e, a;
    const Eigen::VectorXd norms = pool.rowwise().squaredNorm();  // once per search
    const Eigen::MatrixXd cached = pairwise_distances(pool.topRows(n), pool, &norms);
    for (int r = 0; r < reps; ++r)
      e.push_back(eigen_step(pool, norms, cached, n, 50)), a.push_back(autograd_step(pool_t, n, 50));
    std::sort(e.begin(), e.end());
    std::sort(a.begin(), a.end());
    const double em = e[reps / 2] * 1000, am = a[reps / 2] * 1000;
    std::printf("| %d | %.1f | %.1f | %.1fx |\n", n, em, am, am / em);
    rows.push_back({{"n", n}, {"eigen_ms", em}, {"autograd_ms", am}});
  }
  bench::write_json(args["out"].as<std::string>() + "/bo_step.json",
                    {{"machine", bench::machine()}, {"rows", rows}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("bo_step", run, argc, argv); }
