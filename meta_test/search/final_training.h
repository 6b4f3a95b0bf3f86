#pragma once
// The answer of a search on the train objective: its incumbent trained once more at a final fidelity (a
// preset with all of the dataset's images, balanced by class, wider cells and more epochs than the search's
// proxy), whose test accuracy is what the user gets, next to the proxy numbers the search compared. Kept in
// the run directory's final.json: a resumed or repeated search with the same incumbent and preset does not
// train it twice.
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "graphs/spaces/search_space.h"
#include "meta_test/objectives/objective.h"
#include "meta_test/search/run_directory.h"

namespace tnas {

// The final preset a search uses: `requested` ("auto": "final" for the train objective, none for the
// others; "none": none), or "" for none. Throws tnas::Error for an unknown preset, or a preset with an
// objective that trains nothing.
std::string resolve_final_preset(const std::string& requested, const std::string& objective_spec);

// {"arch", "preset", "preset_settings", "seed", "ok", "valid_acc", "test_acc", "seconds", "error"} of the
// incumbent (`incumbent` in the space's text form) trained with `preset` on the search's data (its seed's
// draw), from final.json when that is this incumbent's at this preset, else trained now and written there.
nlohmann::json final_training(const SearchSpace& space, const std::string& incumbent,
                              const ObjectiveSettings& search_objective, const std::string& preset,
                              RunDirectory& run, const std::function<void(const std::string&)>& progress);

}  // namespace tnas
