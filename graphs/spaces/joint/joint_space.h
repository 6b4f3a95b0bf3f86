#pragma once
// A user-defined joint space behind the SearchSpace interface (issue 30 item 4): `--space joint:FILE` (a
// file in graphs/spaces/joint/joint_space_file.h's notation) or `joint:NAME` for a shipped one ("jahs",
// "optimizers": graphs/spaces/joint/spaces/). A configuration's choices are the architecture's own choices
// followed by one value index per hyperparameter of the file, in declaration order; an inactive
// hyperparameter holds its default's index, so that each configuration has one form. Its text is the
// architecture's, then ";name=value" for each active hyperparameter. The graph and cost are the
// architecture's; the surrogate reads the hyperparameters as numeric features (categorical one-hot, ordered
// as the value's position 0..1 on its grid, each conditional one with an "active" flag, zeros when inactive).
#include <memory>
#include <string>
#include <vector>

#include "graphs/spaces/joint/joint_space_file.h"
#include "graphs/spaces/search_space.h"

namespace tnas {

class JointSpace final : public SearchSpace {
 public:
  // Throws tnas::Error naming the file for an architecture space that is unknown or itself joint.
  JointSpace(std::string name, JointSpaceFile file);

  std::string name() const override { return name_; }
  int64_t size() const override { return size_; }  // exact; -1 beyond int64 or too many to count
  Arch sample(Rng& rng) const override;            // uniform over each active hyperparameter's values
  std::vector<Arch> enumerate() const override;    // where size() is known
  // The architecture's neighbours, every other value of an active categorical hyperparameter and the
  // adjacent values of an ordered one (children made active take their default); none forbidden.
  std::vector<Arch> neighbours(const Arch& config) const override;
  OpGraph to_graph(const Arch& config) const override;
  int graph_node_types() const override { return architecture_->graph_node_types(); }
  int graph_max_nodes() const override { return architecture_->graph_max_nodes(); }
  bool graph_topology_fixed() const override { return architecture_->graph_topology_fixed(); }
  int numeric_feature_count() const override { return numeric_features_; }
  std::vector<float> numeric_features(const Arch& config) const override;
  // Strict: every active hyperparameter named once with one of its values, no inactive one, nothing
  // forbidden.
  Arch parse(std::string_view text) const override;
  std::string format(const Arch& config) const override;
  std::string iso_key(const Arch& config) const override;
  std::vector<int> choice_counts() const override;
  std::vector<ChoiceInfo> choice_infos() const override;
  ArchCost cost(const Arch& config) const override;

  const JointSpaceFile& file() const { return file_; }
  const SearchSpace& architecture_space() const { return *architecture_; }
  Arch architecture(const Arch& config) const;  // the architecture's part of a configuration
  struct ActiveValue {
    const Hyperparameter* hyperparameter;
    int index;  // into hyperparameter->values
  };
  // The active hyperparameters' values, in declaration order.
  std::vector<ActiveValue> active_values(const Arch& config) const;

 private:
  std::vector<int> values_of(const Arch& config) const;  // validated: in range, canonical, not forbidden
  bool is_active(const std::vector<int>& values, size_t hyperparameter) const;
  void make_canonical(
      std::vector<int>& values) const;  // inactive ones to their default, in parents-first order
  bool is_forbidden(const std::vector<int>& values) const;
  Arch joined(Arch architecture, const std::vector<int>& values) const;
  int64_t count_assignments(int64_t limit) const;  // -1 beyond limit
  std::vector<std::vector<int>> all_assignments() const;

  std::string name_;
  JointSpaceFile file_;
  std::unique_ptr<SearchSpace> architecture_;
  std::vector<bool> conditional_;  // has conditions, or a parent that is conditional
  int numeric_features_ = 0;
  int64_t size_ = -1;
};

// The shipped joint space files (graphs/spaces/joint/spaces/NAME.space), embedded in the binary; throws
// tnas::Error for another name.
const std::string& shipped_joint_space(const std::string& name);
std::vector<std::string> shipped_joint_space_names();
// `joint:ARG`: ARG is a file when one exists at that path (or it names a folder or extension), else a
// shipped name.
std::unique_ptr<SearchSpace> make_joint_space(const std::string& argument);

}  // namespace tnas
