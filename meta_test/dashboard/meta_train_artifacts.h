#pragma once
// What the dashboard shows of meta_train's outputs: a meta-dataset (sources, tasks, cells, results) and a
// fit's checkpoint folder (its manifest and, while the folder keeps its resume state, every epoch's losses
// and held-out metrics). Read-only, like everything the dashboard does.
#include <string>

#include <nlohmann/json.hpp>

namespace tnas {

// Whether `path` is a meta-dataset file (.h5) / a checkpoint folder (manifest.json).
bool is_meta_dataset_file(const std::string& path);
bool is_checkpoint_folder(const std::string& path);

// created_by, search space, protocol; per source its format, images, classes, tasks and results; the number
// of tasks by class count; cells and results. Throws tnas::Error naming the file when it cannot be read.
nlohmann::json describe_meta_dataset(const std::string& path, const std::string& name);

// The manifest (fit settings, the selected epoch's metrics, the meta-dataset it learned from) and the
// per-epoch history of DIR/last/state.json when present; whether a fit holds the folder now.
nlohmann::json describe_checkpoint(const std::string& directory, const std::string& name);

}  // namespace tnas
