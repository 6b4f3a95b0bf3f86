#pragma once
// A meta-dataset's results as CSV (`meta_train data export`): one row per (subtask, configuration) result,
// for analysis outside tnas — e.g. how far parameter count alone ranks a subtask's configurations, the
// baseline a meta-learned surrogate has to beat — without an HDF5 reader.
//
//   result,task,source,classes,images_per_class,task_seed,arch,valid_acc,test_acc,epochs,params,flops,
//   train_seconds,heldout
//
// `classes` is the subtask's class list joined by spaces; `arch` the configuration's canonical string. Fields
// holding a comma, a quote or a line break are quoted as RFC 4180 says (a grammar derivation's string has
// commas). Unknown values stay -1, as in the file; accuracies are written with 17 significant digits, so
// a reader gets the stored double back.
#include <ostream>

#include "datasets/meta/meta_dataset.h"

namespace tnas {

void write_meta_dataset_csv(std::ostream& out, const MetaDataset& data);

}  // namespace tnas
