#pragma once
// The same subtasks in two meta-datasets: for a matched comparison of two labelling protocols (e.g. the fast
// protocol with 250 and with 500 images per class on the same classes and cells), a fit on each must see the
// same subtasks and hold out the same ones, and `fit` draws its held-out coins per subtask in file order.
#include "datasets/meta/meta_dataset.h"

namespace tnas {

// `data` restricted to the subtasks of `reference` (a subtask is its classes and task seed; its images per
// class and source may differ), in `reference`'s order, with their results in `data`'s order within each;
// configurations no kept result uses are dropped. Throws tnas::Error naming `reference_name` when a
// subtask of `reference` is not in `data` (a matched comparison with a subtask missing would not be one).
MetaDataset restrict_to_subtasks_of(const MetaDataset& data, const MetaDataset& reference,
                                    const std::string& reference_name);

}  // namespace tnas
