#pragma once
// The NAS-Bench-201 macro network built in LibTorch (see graphs/spaces/nb201/network_cost.h for its
// structure). This header is torch-free; the module itself is in nb201_network_module.h for the torch TUs.
#include <cstdint>

#include "graphs/spaces/nb201/nb201_cell.h"
#include "graphs/spaces/nb201/network_cost.h"

namespace tnas {

// Number of learnable parameters of the LibTorch module, counted from the module itself (so tests can
// check it against the closed form in graphs/).
int64_t nb201_module_param_count(const Nb201Cell& cell, const Nb201MacroConfig& config);

}  // namespace tnas
