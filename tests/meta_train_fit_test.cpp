// meta_train fit on sources whose tasks name their classes (MetaD2A's kind): classes without images are
// dropped per task, tasks with none are left out, and a source without images is a clear error.
#include <gtest/gtest.h>

#include <filesystem>

#include "datasets/h5_image_format.h"
#include "datasets/meta_dataset.h"
#include "graphs/error.h"
#include "meta_train/surrogate_fitter.h"
#include "models/surrogate.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

// 6 classes of 8x8 images; classes 4 and 5 have none. 12 tasks x 4 cells; task 3 names only 4 and 5.
MetaDataset imported_style_meta_dataset(const std::string& images_spec) {
  MetaDataset md;
  md.created_by = "test";
  md.proxy_config = R"({"protocol":"test"})";
  md.sources.push_back({"src", "h5", images_spec, 40, 6});
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

TEST(Fit, TasksNamingClassesWithoutImagesAreEmbeddedFromTheRestOrLeftOut) {
  const auto dir = test::scratch_dir("fit_imported");
  ImageDataset images = test::synthetic_images(40, 3, 8, 8, 4);
  images.class_names = numbered_class_names(6);  // classes 4 and 5 exist but have no images
  write_h5_images((dir / "images.h5").string(), images);
  const std::string meta = (dir / "meta.h5").string();
  write_meta_dataset(meta, imported_style_meta_dataset("h5:" + (dir / "images.h5").string()));

  std::vector<std::string> lines;
  const FitMetrics m = fit_surrogate(tiny_fit(meta, (dir / "ckpt").string()), [&](const std::string& l) { lines.push_back(l); });
  EXPECT_EQ(m.epoch, 1);
  bool said = false;
  for (const auto& l : lines) said |= l.find("(4 pairs left out: no class of their task has images)") != std::string::npos;
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

}  // namespace
}  // namespace tnas
