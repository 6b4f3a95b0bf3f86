#include "models/surrogate/surrogate.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/error.h"
#include "graphs/op_graph/op_graph.h"
#include "models/runtime/runtime.h"
#include "models/surrogate/checkpoint_location.h"
#include "models/surrogate/surrogate_impl.h"
#include "tnas_version.h"

namespace tnas {
namespace fs = std::filesystem;

namespace {

// A TorchScript featurizer from its file's bytes: loaded, switched to eval, and probed with a zero batch.
// Returns its feature size; throws tnas::Error naming `path` when it cannot be one.
int64_t load_backbone(const std::string& bytes, const std::string& path,
                      std::optional<torch::jit::Module>& out) {
  try {
    std::istringstream in(bytes);
    out = torch::jit::load(in, torch::kCPU);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw Error(path + ": not a TorchScript module (" + what.substr(0, what.find('\n')) + ")");
  }
  out->eval();
  torch::NoGradGuard no_grad;
  torch::IValue result;
  try {
    result = out->forward({torch::zeros({2, 3, kFeaturizerResolution, kFeaturizerResolution})});
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw Error(path + ": TorchScript featurizer fails on a (2, 3, 32, 32) batch (" +
                what.substr(0, what.find('\n')) + ")");
  }
  if (!result.isTensor()) throw Error(path + ": TorchScript featurizer must return a tensor");
  const auto raw = result.toTensor();
  const auto t = raw.dim() >= 2 ? raw.flatten(1) : raw;
  if (t.dim() != 2 || t.size(0) != 2 || t.size(1) < 1 || !t.is_floating_point())
    throw Error(path + ": TorchScript featurizer must map (B, 3, 32, 32) to (B, F) floats, got shape " +
                c10::str(raw.sizes()));
  return t.size(1);
}

// The manifest's hash of itself: the content hash of its compact JSON without the manifest_hash field, so
// that an edited label standardization, option or file hash is refused like a damaged weight file.
std::string manifest_hash(nlohmann::json manifest) {
  manifest.erase("manifest_hash");
  const std::string text = manifest.dump();
  return content_hash(text.data(), text.size());
}

// The bytes of `name` in checkpoint `dir`, checked against the manifest's content hash when it lists one
// (checkpoints written before hashes were recorded list none).
std::vector<uint8_t> verified_file(const std::string& dir, const nlohmann::json& manifest,
                                   const std::string& name) {
  const std::string path = dir + "/" + name;
  if (!fs::exists(path)) throw Error(path + ": missing from the checkpoint");
  auto bytes = read_file_bytes(path);
  if (manifest.contains("files") && manifest["files"].contains(name)) {
    const std::string hash = content_hash(bytes.data(), bytes.size()),
                      expected = manifest["files"][name].get<std::string>();
    if (hash != expected)
      throw Error(path + ": content hash " + hash + " differs from the manifest's " + expected +
                  " (a corrupt or replaced file)");
  }
  return bytes;
}

}  // namespace

SurrogateNetImpl::SurrogateNetImpl(const SurrogateOptions& options, int featurizer_classes) {
  if (options.featurizer == FeaturizerKind::kBuiltinCnn)
    featurizer = register_module("featurizer", FeaturizerCnn(options.feature_dim, featurizer_classes));
  dataset_encoder = register_module("dataset_encoder", DatasetEncoder(options));
  arch_encoder = register_module("arch_encoder", ArchEncoder(options));
  kernel = register_module("kernel", DeepKernel(options));
}

torch::Tensor SurrogateImpl::dataset_embedding(const torch::Tensor& per_class_features) {
  if (!options.dataset_embedding) return torch::zeros({options.nz});
  return net->dataset_encoder(per_class_features);
}

torch::Tensor SurrogateImpl::featurize(const torch::Tensor& images) {
  if (backbone) return backbone->forward({images}).toTensor().flatten(1).to(torch::kFloat32);
  return net->featurizer->features(images);
}

torch::Tensor SurrogateImpl::arch_embedding(const std::vector<EncoderInput>& configs) {
  if (configs.empty()) return torch::zeros({0, options.nz});
  // The level-synchronous DAG-GRU takes graphs of any topology in one batch; batches are cut at
  // kMaxEncoderNodes nodes so that a large pool of grammar derivations (hundreds of nodes each) stays within
  // memory.
  constexpr size_t kMaxEncoderNodes = 1 << 17;
  std::vector<torch::Tensor> parts;
  size_t first = 0;
  while (first < configs.size()) {
    size_t end = first, nodes = 0;
    while (end < configs.size() &&
           (end == first || nodes + configs[end].graph.node_type.size() <= kMaxEncoderNodes))
      nodes += configs[end++].graph.node_type.size();
    std::vector<const OpGraph*> graphs;
    std::vector<float> numeric;
    for (size_t i = first; i < end; ++i) {
      const EncoderInput& config = configs[i];
      if (static_cast<int64_t>(config.numeric.size()) != options.arch_numeric_features)
        throw Error("arch encoder: a configuration has " + std::to_string(config.numeric.size()) +
                    " numeric features, the surrogate reads " +
                    std::to_string(options.arch_numeric_features));
      graphs.push_back(&config.graph);
      numeric.insert(numeric.end(), config.numeric.begin(), config.numeric.end());
    }
    const int64_t count = static_cast<int64_t>(graphs.size());
    const auto x = torch::from_blob(numeric.data(), {count, options.arch_numeric_features}, torch::kFloat32)
                       .clone()
                       .to(net->arch_encoder->gru_forward->weight_ih.device());
    parts.push_back(net->arch_encoder->forward(graphs, x));
    first = end;
  }
  return parts.size() == 1 ? parts[0] : torch::cat(parts);
}

Surrogate::Surrogate(const SurrogateOptions& options, int featurizer_classes, uint64_t seed,
                     const std::string& backbone_path) {
  torch::manual_seed(seed);
  impl_ = std::make_unique<SurrogateImpl>();
  impl_->options = options;
  if (options.featurizer == FeaturizerKind::kTorchScript) {
    if (backbone_path.empty()) throw Error("the torchscript featurizer needs the path of a TorchScript file");
    const auto bytes = read_file_bytes(backbone_path);
    impl_->backbone_bytes.assign(bytes.begin(), bytes.end());
    impl_->options.feature_dim = load_backbone(impl_->backbone_bytes, backbone_path, impl_->backbone);
    featurizer_classes = 0;
  }
  impl_->featurizer_classes = featurizer_classes;
  impl_->net = SurrogateNet(impl_->options, featurizer_classes);
}

Surrogate::Surrogate(std::unique_ptr<SurrogateImpl> impl) : impl_(std::move(impl)) {}
Surrogate::~Surrogate() = default;
Surrogate::Surrogate(Surrogate&&) noexcept = default;
Surrogate& Surrogate::operator=(Surrogate&&) noexcept = default;

const SurrogateOptions& Surrogate::options() const { return impl_->options; }
double Surrogate::label_mean() const { return impl_->label_mean; }
double Surrogate::label_std() const { return impl_->label_std; }
void Surrogate::set_label_stats(double mean, double std) {
  impl_->label_mean = mean;
  impl_->label_std = std;
}
nlohmann::json Surrogate::manifest() const { return impl_->manifest; }

GpHyperparameters Surrogate::gp_hyperparameters() const {
  const auto& k = impl_->net->kernel;
  return {k->mean.item<double>(), k->raw_outputscale.item<double>(), k->raw_lengthscale.item<double>(),
          k->raw_noise.item<double>()};
}

ImageDataset featurizer_input(const ImageDataset& images) {
  return resize_area(to_rgb(images), kFeaturizerResolution);
}

Eigen::MatrixXf Surrogate::image_features(const ImageDataset& dataset) const {
  if (dataset.channels != 3 || dataset.height != kFeaturizerResolution ||
      dataset.width != kFeaturizerResolution)
    throw Error(dataset.source + ": featurizer needs RGB 32x32 images (use featurizer_input)");
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  Eigen::MatrixXf out(dataset.size(), impl_->options.feature_dim);
  for (int64_t start = 0; start < dataset.size(); start += 1024) {
    const int64_t n = std::min<int64_t>(1024, dataset.size() - start);
    auto x = torch::from_blob(const_cast<uint8_t*>(dataset.image(start)), {n, 3, 32, 32}, torch::kUInt8)
                 .to(torch::kFloat32) /
             255.0;
    const auto f = impl_->featurize(x).contiguous();
    const auto acc = f.accessor<float, 2>();  // element access without a tensor op per value
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < out.cols(); ++j) out(start + i, j) = acc[i][j];
  }
  return out;
}

std::string Surrogate::featurizer_id() const {
  if (impl_->backbone)
    return "torchscript-" + content_hash(impl_->backbone_bytes.data(), impl_->backbone_bytes.size());
  std::string weights;  // every parameter and buffer of the built-in CNN, in module order
  auto append = [&](const torch::Tensor& t) {
    const auto c = t.detach().cpu().contiguous();
    weights.append(static_cast<const char*>(c.data_ptr()), c.nbytes());
  };
  for (const auto& p : impl_->net->featurizer->named_parameters()) append(p.value());
  for (const auto& b : impl_->net->featurizer->named_buffers()) append(b.value());
  return "builtin-cnn-" + content_hash(weights.data(), weights.size());
}

Eigen::VectorXf Surrogate::dataset_embedding(const Eigen::MatrixXf& features,
                                             const std::vector<int32_t>& labels, int num_classes,
                                             Rng& rng) const {
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  const int64_t per = impl_->options.images_per_class, f = impl_->options.feature_dim;
  std::vector<std::vector<int64_t>> by_class(num_classes);
  for (size_t i = 0; i < labels.size(); ++i) by_class.at(labels[i]).push_back(static_cast<int64_t>(i));
  auto t = torch::empty({num_classes, per, f});
  auto ta = t.accessor<float, 3>();
  for (int c = 0; c < num_classes; ++c) {
    auto& pool = by_class[c];
    if (pool.empty()) throw Error("dataset embedding: class " + std::to_string(c) + " has no images");
    rng.shuffle(pool);
    for (int64_t k = 0; k < per; ++k) {
      const int64_t i = static_cast<size_t>(k) < pool.size() ? pool[k] : pool[rng.uniform_int(pool.size())];
      for (int64_t j = 0; j < f; ++j) ta[c][k][j] = features(i, j);
    }
  }
  const auto d = impl_->dataset_embedding(t).contiguous();
  Eigen::VectorXf out(d.size(0));
  std::memcpy(out.data(), d.data_ptr<float>(), sizeof(float) * static_cast<size_t>(d.size(0)));
  return out;
}

Eigen::MatrixXf Surrogate::arch_embeddings(const SearchSpace& space, const std::vector<Arch>& configs) const {
  require_search_space(impl_->options, space);
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  Eigen::MatrixXf out(configs.size(), impl_->options.nz);
  for (size_t start = 0; start < configs.size(); start += 2048) {
    const size_t n = std::min<size_t>(2048, configs.size() - start);
    std::vector<EncoderInput> inputs;
    for (size_t i = start; i < start + n; ++i) inputs.push_back(encoder_input(space, configs[i]));
    auto g = impl_->arch_embedding(inputs).contiguous();
    auto acc = g.accessor<float, 2>();
    for (size_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < out.cols(); ++j) out(start + i, j) = acc[i][j];
  }
  return out;
}

Eigen::MatrixXd Surrogate::kernel_features(const Eigen::VectorXf& d, const Eigen::MatrixXf& g) const {
  torch::NoGradGuard no_grad;
  impl_->net->eval();
  const int64_t n = g.rows(), nz = impl_->options.nz;
  auto dt = torch::from_blob(const_cast<float*>(d.data()), {1, nz}, torch::kFloat32).expand({n, nz});
  return tensor_to_rows(impl_->net->kernel->features(dt, rows_to_tensor(g)));
}

void Surrogate::context(Eigen::MatrixXd& z, Eigen::VectorXd& y) const {
  if (impl_->dir.empty()) throw Error("a fresh surrogate has no meta-training context");
  const std::string path = impl_->dir + "/context.pt";
  const auto bytes = verified_file(impl_->dir, impl_->manifest, "context.pt");
  try {
    const auto dict = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
    const auto zt = dict.at("z").toTensor().to(torch::kFloat64).contiguous();
    const auto yt = dict.at("y").toTensor().to(torch::kFloat64).contiguous();
    if (zt.dim() != 2 || yt.dim() != 1 || zt.size(0) != yt.size(0)) throw Error("shapes disagree");
    z = tensor_to_rows(zt);
    y = Eigen::Map<const Eigen::VectorXd>(yt.data_ptr<double>(), yt.size(0));
  } catch (const c10::Error& e) {
    throw Error(path + ": corrupt context (" + std::string(e.what_without_backtrace()).substr(0, 200) + ")");
  } catch (const Error& e) {
    throw Error(path + ": corrupt context (" + e.what() + ")");
  }
}

void Surrogate::save(const std::string& dir, const nlohmann::json& extra,
                     const std::map<std::string, std::vector<uint8_t>>& files) const {
  fs::create_directories(dir);
  nlohmann::json m = extra;
  m["format_version"] = kCheckpointFormatVersion;
  m["tnas_version"] = TNAS_VERSION;
  m["search_space"] = impl_->options.search_space;
  m["options"] = to_json(impl_->options);
  m["featurizer"] = {{"id", enum_name(impl_->options.featurizer)},
                     {"classes", impl_->featurizer_classes},
                     {"hash", featurizer_id()}};
  std::map<std::string, std::vector<uint8_t>> all = files;
  if (impl_->backbone) {
    all["featurizer.pt"] = std::vector<uint8_t>(impl_->backbone_bytes.begin(), impl_->backbone_bytes.end());
    m["featurizer"]["file"] = "featurizer.pt";
  }
  m["label_mean"] = impl_->label_mean;
  m["label_std"] = impl_->label_std;
  m["versions"] = runtime_versions();
  impl_->net->to(torch::kCPU);  // checkpoints are device-neutral
  all["model.pt"] = torch_bytes(impl_->net);
  c10::Dict<std::string, torch::Tensor> weights;
  for (const auto& p : impl_->net->named_parameters()) weights.insert(p.key(), p.value().detach().clone());
  for (const auto& b : impl_->net->named_buffers()) weights.insert(b.key(), b.value().detach().clone());
  const auto bytes = torch::pickle_save(c10::IValue(weights));
  all["weights.pt"] = std::vector<uint8_t>(bytes.begin(), bytes.end());
  m["files"] = nlohmann::json::object();
  for (const auto& [name, content] : all) {
    write_file_atomically(dir + "/" + name, content);
    m["files"][name] = content_hash(content.data(), content.size());
  }
  m["manifest_hash"] = manifest_hash(m);
  const std::string text = m.dump(2) + "\n";
  write_file_atomically(dir + "/manifest.json",
                        std::vector<uint8_t>(text.begin(), text.end()));  // last: it vouches for the rest
}

namespace {

// The checkpoint's manifest, checked before any tensor is read: format version, search space, model options,
// featurizer and label standardization. Fills those fields of `impl`.
nlohmann::json read_manifest(const std::string& dir, const std::string& expected_search_space,
                             SurrogateImpl& impl) {
  const std::string path = dir + "/manifest.json";
  if (!fs::exists(path)) throw Error(dir + ": not a checkpoint (no manifest.json)");
  nlohmann::json m;
  try {
    const std::vector<uint8_t> bytes = read_file_bytes(path);  // refuses a FIFO or a folder, never hangs
    m = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(path + ": corrupt manifest (" + e.what() + ")");
  }
  auto field = [&](const char* key) -> const nlohmann::json& {
    if (!m.contains(key)) throw Error(path + ": manifest lacks '" + key + "'");
    return m.at(key);
  };
  if (field("format_version") != kCheckpointFormatVersion)
    throw Error(path + ": checkpoint format version " + field("format_version").dump() +
                ", this tnas reads " + std::to_string(kCheckpointFormatVersion));
  if (!expected_search_space.empty() && field("search_space") != expected_search_space)
    throw Error(path + ": checkpoint is for search space " + field("search_space").dump() + ", not '" +
                expected_search_space + "'");
  try {
    impl.options = surrogate_options_from_json(field("options"));
    if (field("featurizer").at("id") != enum_name(impl.options.featurizer))
      throw Error("featurizer id differs from options");
    impl.featurizer_classes = field("featurizer").at("classes");
    impl.label_mean = field("label_mean");
    impl.label_std = field("label_std");
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": malformed manifest (" + e.what() + ")");
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  // The labels are accuracies in percent: anything else is a damaged or hand-edited manifest.
  if (!(impl.label_mean >= 0 && impl.label_mean <= 100))
    throw Error(path + ": label_mean must be an accuracy in 0..100, got " + field("label_mean").dump());
  if (!(impl.label_std > 0 && impl.label_std <= 100))
    throw Error(path + ": label_std must be in (0, 100], got " + field("label_std").dump());
  if (m.contains("manifest_hash") && m["manifest_hash"] != manifest_hash(m))
    throw Error(path + ": the manifest was edited or damaged (its manifest_hash " +
                m["manifest_hash"].dump() + " differs from its content's " + manifest_hash(m) + ")");
  if (!m.contains("manifest_hash"))
    std::fprintf(stderr, "warning: %s has no manifest_hash: its own fields are not verified\n", path.c_str());
  if (!m.contains("files"))
    std::fprintf(stderr,
                 "warning: %s lists no content hashes ('files'): the checkpoint's files are not verified\n",
                 path.c_str());
  return m;
}

}  // namespace

Surrogate Surrogate::load(const std::string& requested_dir, const std::string& expected_search_space) {
  const std::string dir = locate_checkpoint(requested_dir);
  auto impl = std::make_unique<SurrogateImpl>();
  const nlohmann::json m = read_manifest(dir, expected_search_space, *impl);
  impl->manifest = m;
  impl->dir = dir;
  impl->net = SurrogateNet(impl->options, impl->featurizer_classes);
  // torch::load replaces tensors whatever their shape, so compare every shape with the manifest's model.
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& p : impl->net->named_parameters()) expected[p.key()] = p.value().sizes().vec();
  for (const auto& b : impl->net->named_buffers()) expected[b.key()] = b.value().sizes().vec();
  if (m.contains("files"))
    for (const auto& [name, hash] : m["files"].items())
      if (name != "model.pt") verified_file(dir, m, name);  // every listed file, before any tensor is used
  const auto model_bytes = verified_file(dir, m, "model.pt");
  try {
    std::istringstream model(std::string(model_bytes.begin(), model_bytes.end()));
    torch::load(impl->net, model);
  } catch (const c10::Error& e) {
    const std::string what = e.what_without_backtrace();
    throw Error(dir + "/model.pt: does not match the manifest's model (" + what.substr(0, what.find('\n')) +
                ")");
  }
  if (impl->options.featurizer == FeaturizerKind::kTorchScript) {
    const std::string file = dir + "/featurizer.pt";
    const auto bytes = read_file_bytes(file);
    impl->backbone_bytes.assign(bytes.begin(), bytes.end());
    const std::string hash = "torchscript-" + content_hash(bytes.data(), bytes.size());
    if (m.at("featurizer").value("hash", "") != hash)
      throw Error(file + ": does not match the manifest's featurizer (content hash " + hash +
                  ", manifest says " + m.at("featurizer").value("hash", "nothing") + ")");
    const int64_t dim = load_backbone(impl->backbone_bytes, file, impl->backbone);
    if (dim != impl->options.feature_dim)
      throw Error(file + ": gives " + std::to_string(dim) +
                  " features per image, the manifest's options say " +
                  std::to_string(impl->options.feature_dim));
  }
  auto check = [&](const std::string& name, const torch::Tensor& t) {
    if (t.sizes().vec() != expected.at(name))
      throw Error(dir + "/model.pt: does not match the manifest's model (tensor '" + name + "' has shape " +
                  c10::str(t.sizes()) + ", the manifest's options give " +
                  c10::str(c10::IntArrayRef(expected.at(name))) + ")");
  };
  for (const auto& p : impl->net->named_parameters()) check(p.key(), p.value());
  for (const auto& b : impl->net->named_buffers()) check(b.key(), b.value());
  for (const auto& p : impl->net->named_parameters())
    if (!torch::isfinite(p.value()).all().item<bool>())
      throw Error(dir + "/model.pt: tensor '" + p.key() +
                  "' has non-finite values (a diverged or corrupt fit)");
  return Surrogate(std::move(impl));
}

}  // namespace tnas
