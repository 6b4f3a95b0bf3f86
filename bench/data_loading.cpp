// Loading Fashion-MNIST (train + test, 70k images) and sampling 1,000 subtasks of 5 classes x 100 images.
#include <cstdio>
#include <cxxopts.hpp>

#include "basics/cli/cli_options.h"
#include "bench/bench_util.h"
#include "datasets/images/dataset_spec.h"
#include "datasets/images/subtask_sampler.h"

using namespace tnas;

int run(int argc, char** argv) {
  cxxopts::Options options("data_loading", "Dataset loading and subtask sampling times");
  options.add_options()("quick", "100 subtasks")("out", "Output folder",
                                                 cxxopts::value<std::string>()->default_value("."));
  add_common_options(options);
  const auto parsed = parse_command_line(options, argc, argv);
  if (!parsed) return 0;
  const auto& args = *parsed;
  const int subtasks = args.count("quick") ? 100 : 1000;
  double t0 = bench::now_seconds();
  const ImageDataset train = load_dataset("fashion-mnist");
  const ImageDataset test = load_dataset("fashion-mnist@test");
  const double load = bench::now_seconds() - t0;
  t0 = bench::now_seconds();
  const ClassIndex index(train);
  const double index_s = bench::now_seconds() - t0;
  SubtaskConfig c;
  c.classes = 5;
  c.images_per_class = 100;
  t0 = bench::now_seconds();
  size_t images = 0;
  for (int i = 0; i < subtasks; ++i) {
    const Subtask t = sample_subtask(train, index, c, static_cast<uint64_t>(i));
    images += subtask_images(train, t, "train").size();
  }
  const double sample = bench::now_seconds() - t0;
  std::printf(
      "| step | seconds |\n| --- | --- |\n| load Fashion-MNIST (%lld images, gzip IDX) | %.3f |\n| class "
      "index | %.4f |\n"
      "| sample %d subtasks of 5 x 100 and gather their training images | %.3f (%.2f ms each) |\n",
      static_cast<long long>(train.size() + test.size()), load, index_s, subtasks, sample,
      1000 * sample / subtasks);
  bench::write_json(args["out"].as<std::string>() + "/data_loading.json", {{"machine", bench::machine()},
                                                                           {"load_seconds", load},
                                                                           {"index_seconds", index_s},
                                                                           {"subtasks", subtasks},
                                                                           {"sample_seconds", sample},
                                                                           {"images_gathered", images}});
  return 0;
}

int main(int argc, char** argv) { return tnas::bench::guarded_main("data_loading", run, argc, argv); }
