#include "datasets/meta/meta_dataset_subset.h"

#include <map>
#include <tuple>

#include "basics/error.h"

namespace tnas {

MetaDataset restrict_to_subtasks_of(const MetaDataset& data, const MetaDataset& reference,
                                    const std::string& reference_name) {
  using SubtaskKey = std::tuple<std::vector<int32_t>, uint64_t>;  // classes, task seed
  std::map<SubtaskKey, int32_t> data_task;
  for (size_t t = 0; t < data.tasks.size(); ++t)
    data_task.emplace(SubtaskKey{data.tasks[t].classes, data.tasks[t].seed}, static_cast<int32_t>(t));
  MetaDataset out = data;
  out.tasks.clear();
  out.archs.clear();
  out.results.clear();
  std::vector<int32_t> new_task(data.tasks.size(), -1);
  for (const MetaTask& wanted : reference.tasks) {
    const auto found = data_task.find(SubtaskKey{wanted.classes, wanted.seed});
    if (found == data_task.end())
      throw Error(reference_name + ": subtask " + std::to_string(&wanted - reference.tasks.data()) +
                  " (task seed " + std::to_string(wanted.seed) + ") is not in the meta-data to restrict");
    if (new_task[found->second] >= 0) continue;  // the reference lists it twice (two sources)
    new_task[found->second] = static_cast<int32_t>(out.tasks.size());
    out.tasks.push_back(data.tasks[found->second]);
  }
  std::vector<std::vector<MetaResult>> by_task(out.tasks.size());
  for (const MetaResult& r : data.results)
    if (new_task[r.task] >= 0) by_task[new_task[r.task]].push_back(r);
  for (size_t t = 0; t < by_task.size(); ++t)
    for (MetaResult r : by_task[t]) {
      r.task = static_cast<int32_t>(t);
      r.arch = out.arch_index(data.archs[r.arch]);
      out.results.push_back(r);
    }
  return out;
}

}  // namespace tnas
