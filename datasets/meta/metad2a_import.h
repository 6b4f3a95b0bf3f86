#pragma once
// Importer for MetaD2A's meta-training database (CSV export, see ../shared/data/metad2a/README.md) into
// the meta-dataset schema: one `imagenet32` source (1,000 classes, class ids = MetaD2A's 1-based ids - 1),
// one task per distinct task_id (seed = task_id, images_per_class = -1: MetaD2A trained on all images of
// the task's classes), `acc` stored as valid_acc and test_acc (MetaD2A reports one accuracy), params and
// FLOPs computed exactly for a 20-class 32x32 NB201 network (C=16, N=5), and heldout = 1 for the
// rows named first in the split file (MetaD2A's 400 validation rows).
#include <string>

#include "datasets/meta/meta_dataset.h"

namespace tnas {

struct MetaD2AImportOptions {
  std::string database_csv;      // metad2a_meta_train_db.csv
  std::string split_file;        // metad2a_predictor_split_idx.txt ("" = no held-out rows)
  int validation_rows = 400;     // the first rows of the split file that are held out
  std::string task_classes_csv;  // metad2a_meta_train_task_classes.csv ("" = skip the cross-check)
  // Images of the tasks' classes (an imagenet32 dataset spec, e.g.
  // imagenet32:../shared/data/imagenet/imagenet32): recorded as the source's path, with per task how many of
  // its classes have images there. "" = none.
  std::string images;
};

MetaDataset import_metad2a(const MetaD2AImportOptions& options);

}  // namespace tnas
