#include "models/trainer/training_state.h"

#include <filesystem>
#include <sstream>

#include "basics/binary_file.h"
#include "basics/error.h"

namespace tnas {
namespace {

torch::Tensor text_tensor(const std::string& s) {
  return torch::from_blob(const_cast<char*>(s.data()), {static_cast<int64_t>(s.size())}, torch::kUInt8)
      .clone();
}

std::string tensor_text(const torch::Tensor& t) {
  const auto c = t.contiguous().to(torch::kCPU);
  return std::string(reinterpret_cast<const char*>(c.data_ptr<uint8_t>()), static_cast<size_t>(c.numel()));
}

// Parameters, then buffers (BatchNorm's running statistics), in the module's registration order.
std::vector<torch::Tensor> state_tensors(torch::nn::Module& net) {
  std::vector<torch::Tensor> t = net.parameters();
  for (const auto& b : net.buffers()) t.push_back(b);
  return t;
}

torch::Tensor read(torch::serialize::InputArchive& archive, const std::string& key, const std::string& path) {
  torch::Tensor t;
  if (!archive.try_read(key, t)) throw Error(path + ": not a training state of this run (no '" + key + "')");
  return t;
}

}  // namespace

void save_training_state(const std::string& path, const std::string& fingerprint, int epoch,
                         const std::vector<SeedRun>& seeds) {
  torch::serialize::OutputArchive archive;
  archive.write("fingerprint", text_tensor(fingerprint));
  archive.write("epoch", torch::tensor(static_cast<int64_t>(epoch)));
  archive.write("seeds", torch::tensor(static_cast<int64_t>(seeds.size())));
  for (size_t s = 0; s < seeds.size(); ++s) {
    const std::string p = "seed" + std::to_string(s) + ".";
    const auto tensors = state_tensors(*seeds[s].net);
    for (size_t i = 0; i < tensors.size(); ++i)
      archive.write(p + "t" + std::to_string(i), tensors[i].detach().to(torch::kCPU));
    const auto& momentum = seeds[s].optimizer->state_buffers();
    for (size_t i = 0; i < momentum.size(); ++i)
      archive.write(p + "m" + std::to_string(i), momentum[i].to(torch::kCPU));
    archive.write(p + "rng", text_tensor(seeds[s].rng->state()));
    archive.write(p + "loss", torch::tensor(seeds[s].last_epoch_loss, torch::kFloat64));
  }
  std::ostringstream out;
  archive.save_to(out);
  const std::string bytes = out.str();
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  write_file_atomically(path, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

int load_training_state(const std::string& path, const std::string& fingerprint,
                        std::vector<SeedRun>& seeds) {
  if (!std::filesystem::exists(path)) throw Error(path + ": no such training state");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error& e) {
    throw Error(path + ": not a readable training state");
  }
  if (tensor_text(read(archive, "fingerprint", path)) != fingerprint)
    throw Error(path + ": a training state of another run (cell, data, preset, seed or schedule differ)");
  if (read(archive, "seeds", path).item<int64_t>() != static_cast<int64_t>(seeds.size()))
    throw Error(path + ": a training state with another number of seeds");
  torch::NoGradGuard no_grad;
  for (size_t s = 0; s < seeds.size(); ++s) {
    const std::string p = "seed" + std::to_string(s) + ".";
    auto tensors = state_tensors(*seeds[s].net);
    for (size_t i = 0; i < tensors.size(); ++i)
      tensors[i].copy_(read(archive, p + "t" + std::to_string(i), path));
    auto& momentum = seeds[s].optimizer->state_buffers();
    for (size_t i = 0; i < momentum.size(); ++i)
      momentum[i].copy_(read(archive, p + "m" + std::to_string(i), path));
    if (!seeds[s].rng->set_state(tensor_text(read(archive, p + "rng", path))))
      throw Error(path + ": a corrupt random-stream state");
    seeds[s].last_epoch_loss = read(archive, p + "loss", path).item<double>();
  }
  return static_cast<int>(read(archive, "epoch", path).item<int64_t>());
}

}  // namespace tnas
