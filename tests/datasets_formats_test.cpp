// Loaders of every image format, on files the tests write in the exact on-disk layout.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "basics/error.h"
#include "datasets/formats/cifar_format.h"
#include "datasets/formats/h5_image_format.h"
#include "datasets/formats/idx_format.h"
#include "datasets/formats/imagenet_downsampled_format.h"
#include "datasets/images/dataset_kinds.h"
#include "datasets/images/dataset_spec.h"
#include "tests/dataset_files.h"
#include "tests/shared_data.h"

namespace tnas {
namespace {

void expect_same_images(const ImageDataset& a, const ImageDataset& b) {
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.height, b.height);
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.pixels, b.pixels);
}

template <typename F>
void expect_error_containing(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Formats, IdxPlainAndGzip) {
  const auto dir = test::scratch_dir("idx");
  const auto d = test::synthetic_images(7, 1, 5, 4, 3);
  for (bool gz : {false, true}) {
    const std::string im = (dir / (gz ? "im.gz" : "im")).string(),
                      lb = (dir / (gz ? "lb.gz" : "lb")).string();
    test::write_idx(d, im, lb, gz);
    const auto back = read_idx(im, lb);
    expect_same_images(back, d);
    EXPECT_EQ(back.num_classes(), 3);
    const auto via_spec = load_dataset("idx:" + im + "," + lb);
    EXPECT_EQ(via_spec.source, "idx:" + im + "," + lb);
  }
}

TEST(Formats, IdxBadInputNamesFileAndProblem) {
  const auto dir = test::scratch_dir("idx_bad");
  const auto d = test::synthetic_images(4, 1, 3, 3, 2);
  const std::string im = (dir / "im").string(), lb = (dir / "lb").string();
  test::write_idx(d, im, lb, false);
  const std::string good = test::read_bytes(im);
  test::write_bytes(im, good.substr(0, good.size() - 1));
  expect_error_containing([&] { read_idx(im, lb); }, im + ": truncated");
  test::write_bytes(im, test::be32(0x802) + good.substr(4));
  expect_error_containing([&] { read_idx(im, lb); }, "wrong magic number");
  test::write_bytes(im, good);
  expect_error_containing([&] { read_idx(im, lb, {"only-one-class"}); }, "label 1 out of range");
  expect_error_containing([&] { read_idx((dir / "missing").string(), lb); }, "missing: no such file");
  test::write_bytes(im, test::gzip(good).substr(0, 20));
  expect_error_containing([&] { read_idx(im, lb); }, "gzip");
}

TEST(Formats, CifarFilesAndFolders) {
  const auto dir = test::scratch_dir("cifar");
  const auto d10 = test::synthetic_images(12, 3, 32, 32, 10);
  test::write_cifar(d10, (dir / "one.bin").string(), false);
  expect_same_images(read_cifar((dir / "one.bin").string(), CifarVariant::kCifar10), d10);

  const auto folder = dir / "cifar-10-batches-bin";
  std::filesystem::create_directories(folder);
  for (int b = 1; b <= 5; ++b)
    test::write_cifar(d10, (folder / ("data_batch_" + std::to_string(b) + ".bin")).string(), false);
  test::write_cifar(d10, (folder / "test_batch.bin").string(), false);
  EXPECT_EQ(load_dataset("cifar10:" + folder.string()).size(), 60);
  EXPECT_EQ(load_dataset("cifar10:" + folder.string() + "@test").size(), 12);
  EXPECT_EQ(load_dataset("cifar10:" + folder.string()).class_names[0], "airplane");

  const auto d100 = test::synthetic_images(9, 3, 32, 32, 100);
  test::write_cifar(d100, (dir / "train.bin").string(), true);
  const auto back = read_cifar((dir / "train.bin").string(), CifarVariant::kCifar100);
  expect_same_images(back, d100);
  EXPECT_EQ(back.num_classes(), 100);

  auto bad = d10;
  bad.labels[3] = 10;
  test::write_cifar(bad, (dir / "bad.bin").string(), false);
  expect_error_containing([&] { read_cifar((dir / "bad.bin").string(), CifarVariant::kCifar10); },
                          "record 3 has label 10, out of range");
  test::write_bytes((dir / "short.bin").string(), std::string(3072, 'x'));
  expect_error_containing([&] { read_cifar((dir / "short.bin").string(), CifarVariant::kCifar10); },
                          "not a multiple of the 3073-byte record");
}

TEST(Formats, DownsampledImageNetPickleAndNpz) {
  const auto dir = test::scratch_dir("imagenet");
  auto d = test::synthetic_images(6, 3, 16, 16, 1000);
  for (int i = 0; i < 6; ++i) d.labels[i] = i * 199;  // 0, 199, ..., 995 (1-based in the files)
  test::write_bytes((dir / "train_data_batch_1").string(), test::imagenet_pickle(d));
  test::write_bytes((dir / "train_data_batch_2.npz").string(), test::imagenet_npz(d));
  test::write_bytes((dir / "val_data").string(), test::imagenet_pickle(d));

  expect_same_images(read_imagenet_downsampled((dir / "train_data_batch_1").string(), 16), d);
  expect_same_images(read_imagenet_downsampled((dir / "train_data_batch_2.npz").string(), 0), d);
  const auto train = load_dataset("imagenet16:" + dir.string());
  EXPECT_EQ(train.size(), 12);
  EXPECT_EQ(train.num_classes(), 6);  // the 994 classes without images are left out
  EXPECT_EQ(train.labels[5], 5);
  EXPECT_EQ(train.class_names[5], "996");  // the 1-based Imagenet label
  const auto all = load_dataset("imagenet16:" + dir.string(), LoadOptions{true});
  EXPECT_EQ(all.num_classes(), 1000);
  EXPECT_EQ(all.labels[5], 995);
  const auto picked = load_dataset("imagenet16:" + dir.string() + "@train?classes=996,1-200");
  EXPECT_EQ(picked.num_classes(), 3);  // 996, then 1 and 200 (2..199 have no images)
  EXPECT_EQ(picked.class_names, (std::vector<std::string>{"996", "1", "200"}));
  EXPECT_EQ(picked.size(), 6);
  EXPECT_EQ(picked.labels[0], 1);
  expect_error_containing([&] { load_dataset("imagenet16:" + dir.string() + "?classes=1001"); },
                          "no class named '1001'");
  expect_error_containing([&] { load_dataset("imagenet16:" + dir.string() + "?classes=9-3"); },
                          "bad class range");
  EXPECT_EQ(load_dataset("imagenet16:" + dir.string() + "@val").size(), 6);
  expect_error_containing([&] { load_dataset("imagenet32:" + dir.string()); }, "expected 32x32");

  auto zero = d;
  zero.labels[0] = -1;  // written as label 0, outside 1..1000
  test::write_bytes((dir / "zero").string(), test::imagenet_pickle(zero));
  expect_error_containing([&] { read_imagenet_downsampled((dir / "zero").string(), 16); },
                          "out of range 1..1000");
}

// Real files written by numpy itself (pickle protocols 2 and 4, np.savez, np.savez_compressed), when
// Debian's python3-numpy is installed (scripts/setup.sh installs it).
TEST(Formats, DownsampledImageNetFilesWrittenByNumpy) {
  if (std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 with numpy is absent (apt-get install python3-numpy)";
  const auto dir = test::scratch_dir("imagenet_numpy");
  const std::string script =
      "import numpy as np, pickle, sys\n"
      "d = sys.argv[1]\n"
      "x = (np.arange(5 * 3 * 32 * 32) * 7 % 256).astype(np.uint8).reshape(5, 3 * 32 * 32)\n"
      "y = [1, 2, 500, 999, 1000]\n"
      "pickle.dump({'data': x, 'labels': y, 'mean': np.zeros(3072)}, open(d + '/p2', 'wb'), protocol=2)\n"
      "pickle.dump({'data': x, 'labels': np.array(y)}, open(d + '/p4', 'wb'), protocol=4)\n"
      "np.savez(d + '/plain.npz', data=x, labels=np.array(y))\n"
      "np.savez_compressed(d + '/packed.npz', data=x, labels=np.array(y, dtype=np.int32))\n";
  test::write_bytes((dir / "make.py").string(), script);
  ASSERT_EQ(std::system(("/usr/bin/python3 " + (dir / "make.py").string() + " " + dir.string()).c_str()), 0);
  for (const char* name : {"p2", "p4", "plain.npz", "packed.npz"}) {
    SCOPED_TRACE(name);
    const auto d = read_imagenet_downsampled((dir / name).string(), 32);
    ASSERT_EQ(d.size(), 5);
    EXPECT_EQ(d.labels, (std::vector<int32_t>{0, 1, 499, 998, 999}));
    EXPECT_EQ(d.pixels[1], 7);
    EXPECT_EQ(d.pixels[3 * 32 * 32 * 5 - 1], static_cast<uint8_t>((5 * 3072 - 1) * 7 % 256));
  }
}

TEST(Formats, H5ImagesRoundTrip) {
  const auto dir = test::scratch_dir("h5img");
  auto d = test::synthetic_images(10, 3, 8, 8, 4);
  d.class_names = {"a", "b", "c", "d"};
  const std::string path = (dir / "x.h5").string();
  write_h5_images(path, d);
  const auto back = load_dataset("h5:" + path);
  expect_same_images(back, d);
  EXPECT_EQ(back.class_names, d.class_names);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  test::write_bytes((dir / "not.h5").string(), "plain text");
  expect_error_containing([&] { read_h5_images((dir / "not.h5").string()); }, "not an HDF5 file");
}

TEST(Formats, EmbeddedDefaults) {
  if (!std::filesystem::exists(fashion_mnist_dir() + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Debian package dataset-fashion-mnist is not installed";
  const auto fm = load_dataset("fashion-mnist@test");
  EXPECT_EQ(fm.size(), 10000);
  EXPECT_EQ(fm.num_classes(), 10);
  EXPECT_EQ(fm.class_names[9], "Ankle boot");
  if (!std::filesystem::exists(data_cache_dir() + "/mnist/images-idx3-ubyte"))
    GTEST_SKIP() << "MNIST is not in the data cache (run scripts/setup.sh)";
  const auto mnist = load_dataset("mnist");
  EXPECT_EQ(mnist.size(), 10000);
  EXPECT_EQ(mnist.height, 28);
}

TEST(Formats, SharedCifarSubset) {
  TNAS_REQUIRE_SHARED_FILE(path, "cifar10/train_500pc.bin");
  const auto d = load_dataset("cifar10:" + path);
  EXPECT_EQ(d.size(), 5000);
  ClassIndex index(d);
  for (int c = 0; c < 10; ++c) EXPECT_EQ(index.images_of(c).size(), 500u);
}

TEST(Formats, SpecErrors) {
  expect_error_containing([] { parse_dataset_spec("svhn:/x"); }, "unknown kind 'svhn'");
  expect_error_containing([] { parse_dataset_spec("mnist:/x"); }, "takes no path");
  expect_error_containing([] { parse_dataset_spec("cifar10"); }, "needs a path");
  expect_error_containing([] { parse_dataset_spec("idx:/only/images"); }, "IMAGES,LABELS");
  expect_error_containing([] { parse_dataset_spec("fashion-mnist@val"); }, "no split 'val'");
  EXPECT_EQ(parse_dataset_spec("cifar10:/a@b/dir@test").path, "/a@b/dir");
  expect_error_containing([] { parse_dataset_spec("mnist@test"); }, "mnist has no split 'test'");
  expect_error_containing([] { parse_dataset_spec("imagenet16:/x@test"); }, "no split 'test'");
  EXPECT_EQ(parse_dataset_spec("imagenet16:/x@val").split, "val");
}

TEST(Formats, EveryRegisteredDatasetKindIsParsedAndNamedInTheError) {
  try {
    parse_dataset_spec("svhn:/x");
    ADD_FAILURE() << "an unknown kind was accepted";
  } catch (const Error& e) {
    for (const DatasetKind& kind : dataset_kinds())
      EXPECT_NE(std::string(e.what()).find(kind.usage), std::string::npos) << kind.name;
  }
  for (const DatasetKind& kind : dataset_kinds()) {
    const std::string spec = kind.name + (kind.takes_path ? ":/x,/y" : "");
    const DatasetSpec parsed = parse_dataset_spec(spec);
    EXPECT_EQ(parsed.kind, kind.name);
    EXPECT_EQ(parsed.path, kind.takes_path ? "/x,/y" : "");
    for (const std::string& split : kind.splits)
      EXPECT_EQ(parse_dataset_spec(spec + "@" + split).split, split);
  }
}

}  // namespace
}  // namespace tnas
