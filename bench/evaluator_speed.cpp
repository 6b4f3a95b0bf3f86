// Training throughput of the NB201 network (images/s): the full C=16, N=5, 32x32, batch 256 network and
// the proxy presets, with the cell used in PyTorch's published H100 numbers, in strict and fast mode
// side by side (same process, same data).
#include <cstdio>
#include <cxxopts.hpp>

#include "basics/cli/cli_options.h"
#include "basics/rng.h"
#include "bench/bench_util.h"
#include "models/trainer/cell_trainer.h"

using namespace tnas;

int run(int argc, char** argv) {
  cxxopts::Options options("evaluator_speed", "NB201 training images/s");
  options.add_options()("quick", "One short measurement per network")(
      "device", "cpu or cuda", cxxopts::value<std::string>()->default_value("cpu"))(
      "out", "Output folder", cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const bool quick = args.count("quick") > 0;
  const Nb201Cell cell = Nb201Cell::parse(
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|");
  struct Row {
    std::string name;
    ProxyPreset preset;
    int images;
  };
  ProxyPreset paper = find_preset("paper");
  paper.seeds = 1;
  paper.epochs = paper.grayscale_epochs = 1;
  ProxyPreset tiny = find_preset("tiny");
  tiny.epochs = tiny.grayscale_epochs = 1;
  ProxyPreset fast = find_preset("fast");
  fast.epochs = fast.grayscale_epochs = 1;
  std::vector<Row> rows = {{"paper network (C=16, N=5, 32x32, batch 256)", paper, quick ? 256 : 2048},
                           {"fast (C=8, N=1, 16x16, batch 64)", fast, quick ? 256 : 4096},
                           {"tiny (C=8, N=1, 16x16, batch 32)", tiny, quick ? 256 : 4096}};
  nlohmann::json out = nlohmann::json::array();
  const ComputeDevice device =
      resolve_device(parse_enum<ComputeDevice>(args["device"].as<std::string>(), "--device"));
  std::printf(
      "| network | strict images/s (%s) | fast images/s (%s) | fast mode | threads |\n| --- | --- | --- | "
      "--- | --- |\n",
      enum_name(device).c_str(), enum_name(device).c_str());
  for (auto& r : rows) {
    // Random images: throughput does not depend on pixel values.
    Rng rng(1);
    auto make = [&](int n) {
      ImageDataset d;
      d.source = "random";
      d.channels = 3;
      d.height = d.width = r.preset.resolution;
      d.class_names = numbered_class_names(10);
      for (int i = 0; i < n; ++i) d.labels.push_back(i % 10);
      d.pixels.resize(static_cast<size_t>(n) * d.image_bytes());
      for (auto& p : d.pixels) p = static_cast<uint8_t>(rng.uniform_int(256));
      return d;
    };
    EvaluationData data;
    data.train = make(r.images);
    data.valid = make(10);
    data.test = make(10);
    nlohmann::json row = {{"network", r.name}, {"images", r.images}};
    double ips[2] = {0, 0};
    std::string fast_mode;
    for (int m = 0; m < 2; ++m) {
      TrainOptions o;
      o.device = device;
      o.mode = m == 0 ? TrainingMode::kStrict : TrainingMode::kFast;
      train_and_evaluate(cell, {make(r.preset.batch_size), make(10), make(10), 3}, r.preset, o);  // warm-up
      const TrainResult t = train_and_evaluate(cell, data, r.preset, o);
      ips[m] = r.images / t.seconds;
      row[enum_name(o.mode)] = {{"images_per_second", ips[m]},
                                {"seconds", t.seconds},
                                {"channels_last", t.channels_last},
                                {"autocast", t.autocast},
                                {"cuda_graphs", t.cuda_graphs}};
      if (m == 1)
        fast_mode = std::string(t.channels_last ? "channels-last" : "") +
                    (t.autocast == "bf16" ? ", bf16" : "") + (t.cuda_graphs ? ", CUDA graphs" : "");
    }
    std::printf("| %s | %.0f | %.0f | %s | %d |\n", r.name.c_str(), ips[0], ips[1], fast_mode.c_str(),
                args["threads"].as<int>());
    std::fflush(stdout);
    out.push_back(row);
  }
  bench::write_json(args["out"].as<std::string>() + "/evaluator_speed.json",
                    {{"machine", bench::machine()}, {"rows", out}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("evaluator_speed", run, argc, argv); }
