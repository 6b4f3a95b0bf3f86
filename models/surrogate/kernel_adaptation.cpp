// Surrogate::adapt_kernel: FSBO's meta-test adaptation (Wistuba & Grabocka, ICLR 2021), which fine-tunes the
// deep kernel's feature MLP together with the GP hyperparameters on the target's own observations, where the
// reference (Shala et al. 2023) fine-tunes the GP hyperparameters only.
#include <cstring>

#include "basics/error.h"
#include "models/surrogate/surrogate.h"
#include "models/surrogate/surrogate_impl.h"

namespace tnas {
namespace {

// A trainable copy of the meta-trained deep kernel: same architecture, same values.
DeepKernel copy_of(const DeepKernel& source, const SurrogateOptions& options) {
  DeepKernel copy(options);
  torch::NoGradGuard no_grad;
  const auto from = source->named_parameters();
  for (auto& p : copy->named_parameters()) p.value().copy_(from[p.key()]);
  const auto buffers = source->named_buffers();  // the proxy inputs' standardization
  for (auto& b : copy->named_buffers()) b.value().copy_(buffers[b.key()]);
  return copy;
}

}  // namespace

AdaptedKernel Surrogate::adapt_kernel(const Eigen::VectorXf& d, const Eigen::MatrixXf& g_train,
                                      const Eigen::VectorXd& y, const Eigen::MatrixXf& g_query,
                                      const KernelAdaptation& adaptation) const {
  const int64_t nz = impl_->options.nz;
  if (g_train.rows() != y.size() || g_train.rows() == 0)
    throw Error("adapt_kernel: needs one label per training cell");
  const int64_t columns = nz + kernel_extra_inputs(impl_->options);
  if (d.size() != nz || g_train.cols() != columns || g_query.cols() != columns)
    throw Error("adapt_kernel: D must have nz columns, G nz plus one per proxy and protocol input");
  DeepKernel kernel = copy_of(impl_->net->kernel, impl_->options);
  kernel->train();
  std::vector<torch::Tensor> mlp = kernel->mlp->parameters();
  std::vector<torch::Tensor> gp = {kernel->mean, kernel->raw_outputscale, kernel->raw_lengthscale,
                                   kernel->raw_noise};
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(mlp, std::make_unique<torch::optim::AdamOptions>(adaptation.mlp_lr));
  groups.emplace_back(gp, std::make_unique<torch::optim::AdamOptions>(adaptation.gp_lr));
  torch::optim::Adam adam(std::move(groups));
  const auto dt = torch::from_blob(const_cast<float*>(d.data()), {1, nz}, torch::kFloat32).clone();
  const auto gt = rows_to_tensor(g_train);
  Eigen::VectorXd y_copy = y;
  const auto yt = torch::from_blob(y_copy.data(), {y_copy.size()}, torch::kFloat64).clone();
  const auto features = [&](const torch::Tensor& g) {
    return kernel->features(dt.expand({g.size(0), nz}), g);
  };
  for (int step = 0; step < adaptation.steps; ++step) {
    adam.zero_grad();
    const auto loss = kernel->negative_mll(features(gt), yt);
    if (!std::isfinite(loss.item<double>())) break;  // keep the last finite weights rather than step into NaN
    loss.backward();
    adam.step();
  }
  torch::NoGradGuard no_grad;
  kernel->eval();
  AdaptedKernel out;
  out.train = tensor_to_rows(features(gt));
  out.query = g_query.rows() > 0 ? tensor_to_rows(features(rows_to_tensor(g_query)))
                                 : Eigen::MatrixXd(0, out.train.cols());
  out.hyperparameters = {kernel->mean.item<double>(), kernel->raw_outputscale.item<double>(),
                         kernel->raw_lengthscale.item<double>(), kernel->raw_noise.item<double>()};
  if (!out.train.allFinite() || !out.query.allFinite())
    throw Error("adapt_kernel: the fine-tuned kernel features are not finite");
  return out;
}

}  // namespace tnas
