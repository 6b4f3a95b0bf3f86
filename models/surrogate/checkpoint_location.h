#pragma once
// Where a checkpoint named by the user lies. The shipped ones are named by paths relative to the checkout
// (`checkpoints/default`, the default of --checkpoint), which would only work when tnas runs from its own
// checkout; a relative path that does not exist here is therefore also looked up where tnas keeps its
// shipped checkpoints. Every lookup is explicit: the places are fixed and listed in the error.
#include <string>
#include <vector>

namespace tnas {

// The --checkpoint option's help, shared by the commands that take one.
inline constexpr const char* kCheckpointHelp =
    "Surrogate checkpoint folder; a relative one not found here is looked up in $TNAS_HOME, the install's "
    "share/tnas and the source tree tnas was built from";

// The folders a relative checkpoint path is looked up in, in order, after the working directory:
// $TNAS_HOME (a checkout or an installed share/tnas), the install's share/tnas beside the running program
// (PREFIX/bin/.. /share/tnas), the share/tnas of the prefix tnas was configured with, and the source tree it
// was built from. Folders that do not exist are left out.
std::vector<std::string> shipped_data_roots();

// `path` itself when it exists or is absolute; else the first ROOT/path of shipped_data_roots() that
// exists. Throws tnas::Error naming `path` and every place tried when none does.
std::string locate_checkpoint(const std::string& path);

}  // namespace tnas
