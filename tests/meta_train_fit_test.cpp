// meta_train fit and collect: sources whose tasks name their classes (MetaD2A's kind; classes without images
// are dropped per task, tasks with none left out), locked and unwritable outputs, exact resume after SIGKILL.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "basics/error.h"
#include "basics/output_lock.h"
#include "basics/rng.h"
#include "datasets/formats/h5_image_format.h"
#include "datasets/meta/meta_dataset.h"
#include "graphs/spaces/nb201/network_cost.h"
#include "meta_train/collect/collector.h"
#include "meta_train/fit/surrogate_fitter.h"
#include "models/surrogate/surrogate.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// 6 classes of 8x8 images; classes 4 and 5 have none. 12 tasks x 4 cells; task 3 names only 4 and 5.
MetaDataset imported_style_meta_dataset(const std::string& images_spec) {
  MetaDataset md;
  md.created_by = "test";
  md.proxy_config = R"({"protocol":"test"})";
  md.sources.push_back({"src", "h5", images_spec, 40, 6, ""});
  for (int t = 0; t < 12; ++t) {
    MetaTask task{0, {t % 4, (t + 1) % 4, 4}, static_cast<uint64_t>(t), -1, -1};
    if (t == 3) task.classes = {4, 5};
    md.tasks.push_back(task);
    for (int a = 0; a < 4; ++a) {
      const Nb201Cell cell = Nb201Cell::from_id(1000 * a + 37 * t);
      MetaArch arch{{}, cell.to_string()};
      for (Nb201Op op : cell.ops()) arch.ops.push_back(static_cast<int32_t>(op));
      MetaResult r;
      r.task = t;
      r.arch = md.arch_index(arch);
      r.valid_acc = r.test_acc = 50 + 5 * a + t;
      md.results.push_back(r);
    }
  }
  return md;
}

FitOptions tiny_fit(const std::string& meta, const std::string& out) {
  FitOptions o;
  o.meta_dataset = meta;
  o.out = out;
  o.epochs = 1;
  o.batch = 16;
  o.featurizer_epochs = 1;
  o.heldout_task_fraction = 0.2;
  o.model.arch_hidden = 16;
  o.model.images_per_class = 4;
  return o;
}

TEST(Collect, ThePlanDrawsEachTasksCellsByTheNamedSampling) {
  CollectOptions options;
  options.source = "mnist";
  options.tasks = 3;
  options.archs_per_task = 8;
  options.seed = 5;
  auto params_of = [](const std::string& text) {
    return nb201_param_count(Nb201Cell::parse(text), Nb201MacroConfig());
  };
  for (ArchSampling sampling :
       {ArchSampling::kUniform, ArchSampling::kParamsSpread, ArchSampling::kStratified}) {
    SCOPED_TRACE(enum_name(sampling));
    options.arch_sampling = sampling;
    const std::vector<PlannedTask> plan = plan_collection(options);
    ASSERT_EQ(plan.size(), 3u);
    for (const PlannedTask& task : plan) {
      ASSERT_EQ(task.archs.size(), 8u);
      if (sampling == ArchSampling::kUniform) continue;
      // One cell per stratum of the parameter range, from the smallest stratum to the largest.
      for (size_t k = 1; k < task.archs.size(); ++k)
        EXPECT_LE(params_of(task.archs[k - 1]), params_of(task.archs[k])) << k;
      EXPECT_LT(params_of(task.archs.front()), params_of(task.archs.back()));
    }
    EXPECT_EQ(plan_collection(options)[2].archs, plan[2].archs);  // a pure function of the options
  }
  EXPECT_EQ(parse_enum<ArchSampling>("params-spread", "--arch-sampling"), ArchSampling::kParamsSpread);
  try {
    parse_enum<ArchSampling>("sorted", "--arch-sampling");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--arch-sampling must be uniform, params-spread or stratified, got 'sorted'");
  }
  options.space = "jahs";
  EXPECT_THROW(plan_collection(options), Error);  // the strata are NB201's
}

TEST(Fit, TasksNamingClassesWithoutImagesAreEmbeddedFromTheRestOrLeftOut) {
  const auto dir = test::scratch_dir("fit_imported");
  ImageDataset images = test::synthetic_images(40, 3, 8, 8, 4);
  images.class_names = numbered_class_names(6);  // classes 4 and 5 exist but have no images
  write_h5_images((dir / "images.h5").string(), images);
  const std::string meta = (dir / "meta.h5").string();
  write_meta_dataset(meta, imported_style_meta_dataset("h5:" + (dir / "images.h5").string()));

  std::vector<std::string> lines;
  const FitMetrics m = fit_surrogate(tiny_fit(meta, (dir / "ckpt").string()),
                                     [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(m.epoch, 1);
  bool said = false;
  for (const auto& l : lines)
    said |= l.find("(4 pairs left out: no class of their task has images)") != std::string::npos;
  EXPECT_TRUE(said) << "the split line names the 4 pairs of the task without images";
  const Surrogate s = Surrogate::load((dir / "ckpt").string());
  EXPECT_TRUE(s.options().dataset_embedding);
}

TEST(Fit, ASourceWithoutImagesNamesTheOptionThatGivesThem) {
  const auto dir = test::scratch_dir("fit_no_images");
  ImageDataset images = test::synthetic_images(40, 3, 8, 8, 4);
  images.class_names = numbered_class_names(6);
  write_h5_images((dir / "images.h5").string(), images);
  const std::string meta = (dir / "meta.h5").string();
  write_meta_dataset(meta, imported_style_meta_dataset(""));
  try {
    fit_surrogate(tiny_fit(meta, (dir / "ckpt").string()), [](const std::string&) {});
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pass --source src=SPEC"), std::string::npos) << e.what();
  }
  // With --source it fits.
  FitOptions o = tiny_fit(meta, (dir / "ckpt").string());
  o.source_specs["src"] = "h5:" + (dir / "images.h5").string();
  EXPECT_EQ(fit_surrogate(o, [](const std::string&) {}).epoch, 1);
  o.source_specs = {{"other", "h5:x"}};
  EXPECT_THROW(fit_surrogate(o, [](const std::string&) {}), Error);
}

// Two writers of one output never run at once: a fit into a checkpoint folder or a collect into a
// meta-dataset that another process holds stops before any work, naming the holder; an output that cannot be
// created is reported with the system's reason, also before any work.
TEST(Fit, ALockedOrUnwritableOutputIsRefusedBeforeAnyWork) {
  const auto dir = test::scratch_dir("fit_lock");
  const std::string holder = "(pid " + std::to_string(::getpid()) + ")";
  {
    OutputLock held((dir / "ckpt").string(), LockTarget::kDirectory, "fit");
    try {
      fit_surrogate(tiny_fit((dir / "absent.h5").string(), (dir / "ckpt").string()),
                    [](const std::string&) {});
      ADD_FAILURE() << "a locked checkpoint folder was written";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("in use by another fit " + holder), std::string::npos) << e.what();
    }
  }
  {
    OutputLock held((dir / "meta.h5").string(), LockTarget::kFile, "collect");
    CollectOptions c;
    c.source = "absent:dataset";
    c.out = (dir / "meta.h5").string();
    try {
      run_collection(c, [](const std::string&) {});
      ADD_FAILURE() << "a locked meta-dataset was written";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("in use by another collect " + holder), std::string::npos)
          << e.what();
    }
  }
  try {
    fit_surrogate(tiny_fit((dir / "absent.h5").string(), "/proc/tnas_not_writable/ckpt"),
                  [](const std::string&) {});
    ADD_FAILURE() << "an unwritable --out was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc/tnas_not_writable/ckpt: cannot create the folder"),
              std::string::npos)
        << e.what();
  }
}

// A fit started again on its output resumes from out/last with the featurizer it trained (its weights are in
// the resume state): no featurizer epoch runs again, and the checkpoint stays what it was.
TEST(Fit, AResumedFitKeepsItsFeaturizer) {
  const auto dir = test::scratch_dir("fit_featurizer_resume");
  ImageDataset images = test::synthetic_images(40, 3, 8, 8, 6);
  images.class_names = numbered_class_names(6);
  write_h5_images((dir / "images.h5").string(), images);
  const std::string meta = (dir / "meta.h5").string();
  write_meta_dataset(meta, imported_style_meta_dataset("h5:" + (dir / "images.h5").string()));
  FitOptions o = tiny_fit(meta, (dir / "ckpt").string());
  o.featurizer_epochs = 2;
  o.feature_cache_dir = "";
  const auto run = [&] {
    std::vector<std::string> lines;
    fit_surrogate(o, [&](const std::string& line) { lines.push_back(line); });
    std::string featurizer;
    for (const std::string& line : lines)
      if (line.rfind("featurizer", 0) == 0) featurizer += line.substr(0, line.find(':')) + ";";
    std::ifstream in(o.out + "/manifest.json");
    return std::make_pair(featurizer, nlohmann::json::parse(in).at("files").dump());
  };
  const auto first = run();
  EXPECT_EQ(first.first, "featurizer epoch 1/2;featurizer epoch 2/2;");
  const auto second = run();
  EXPECT_EQ(second.first, "featurizer;");  // "featurizer: the resumed fit's, from ... (not retrained)"
  EXPECT_EQ(second.second, first.second);
}

// `meta_train fit` killed with SIGKILL at random moments (during the featurizer, the epochs and the saving)
// and restarted until it finishes ends with the checkpoint of an uninterrupted run: the same files, byte for
// byte (the manifest's content hashes), and the same best epoch. Run as a separate process (fork + exec), as
// a user would, so that no LibTorch thread pool crosses a fork.
TEST(Fit, ResumesExactlyAfterSigkill) {
  const auto dir = test::scratch_dir("fit_kill");
  ImageDataset images = test::synthetic_images(40, 3, 8, 8, 6);
  images.class_names = numbered_class_names(6);
  write_h5_images((dir / "images.h5").string(), images);
  const std::string meta = (dir / "meta.h5").string();
  MetaDataset md = imported_style_meta_dataset("h5:" + (dir / "images.h5").string());
  md.tasks[3].classes = {4, 5, 0};
  write_meta_dataset(meta, md);
  const auto fit = [&](const std::string& out) {
    const pid_t child = fork();
    if (child == 0) {
      execl(TNAS_META_TRAIN_EXE, TNAS_META_TRAIN_EXE, "fit", "--meta", meta.c_str(), "--out", out.c_str(),
            "--epochs", "16", "--batch", "16", "--featurizer-epochs", "2", "--arch-hidden", "16",
            "--heldout-tasks", "0.2", "--threads", "1", "--no-feature-cache", static_cast<char*>(nullptr));
      _exit(127);
    }
    return child;
  };
  const auto finished = [](pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  };
  const auto result = [](const std::string& out) {
    std::ifstream in(out + "/manifest.json");
    const auto m = nlohmann::json::parse(in);
    return m.at("files").dump() + " best epoch " + m.at("metrics").at("epoch").dump();
  };
  const std::string reference = (dir / "reference").string();
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(finished(fit(reference)));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Rng rng(11);
  int resumed = 0;  // rounds whose last start resumed from a saved epoch (the rest were killed before one)
  for (int round = 0; round < 3; ++round) {
    const std::string out = (dir / ("killed" + std::to_string(round))).string();
    for (int kills = 0; kills < 4; ++kills) {
      const pid_t child = fit(out);
      usleep(static_cast<useconds_t>(1e6 * seconds * (0.2 + 0.7 * rng.uniform01())));
      kill(child, SIGKILL);
      if (finished(child)) break;  // it finished before the kill landed
    }
    resumed += std::filesystem::exists(out + "/last/state.json");
    ASSERT_TRUE(finished(fit(out))) << "round " << round;
    EXPECT_EQ(result(out), result(reference)) << "round " << round;
  }
  EXPECT_GT(resumed, 0) << "no kill landed after an epoch was saved";
}

}  // namespace
}  // namespace tnas
