#pragma once
// Where a parallel search's workers run (--executor): processes on this machine, or one Slurm job each
// (meta_test/parallel/worker_pool.h makes the pool of either kind).
#include "basics/enum_names.h"

namespace tnas {

enum class Executor { kLocal, kSlurm };  // local, slurm

template <>
const EnumNames<Executor>& enum_names<Executor>();

}  // namespace tnas
