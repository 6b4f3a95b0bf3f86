// Searches the NAS-Bench-201 cells with tnas as a library: tnas asks for a cell, this program evaluates it
// (here a made-up score that rewards 3x3 convolutions; put your training code there) and tells the result.
//   ask_tell_example RUN_DIR [METHOD] [BUDGET]
#include <cstdio>
#include <exception>
#include <string>

#include <tnas/ask_tell.h>

namespace {

// Your evaluation: train the cell, return its validation accuracy in percent.
double evaluate(const std::string& cell) {
  double score = 50;
  for (size_t at = cell.find("nor_conv_3x3"); at != std::string::npos; at = cell.find("nor_conv_3x3", at + 1))
    score += 6;
  return score + 0.01 * static_cast<double>(cell.size() % 7);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s RUN_DIR [METHOD] [BUDGET]\n", argv[0]);
    return 2;
  }
  try {
    tnas::SearchOptions options;
    options.out = argv[1];
    options.method = argc > 2 ? argv[2] : "bowl";
    options.budget = argc > 3 ? std::stoi(argv[3]) : 20;
    options.threads = 1;
    tnas::AskTellSearch search(options);
    while (const auto trial = search.ask()) {
      const double accuracy = evaluate(trial->config);
      std::printf("trial %2d: %s -> %.2f\n", trial->number, trial->config.c_str(), accuracy);
      search.tell(trial->number, tnas::TrialReport::success(accuracy));
    }
    search.finish();
    const auto best = search.best();
    std::printf("best: %s (%.2f, trial %d of %zu)\n", best->config.c_str(), best->accuracy, best->number,
                search.trials().size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ask_tell_example: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
