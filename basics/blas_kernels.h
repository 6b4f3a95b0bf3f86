#pragma once
// OpenBLAS picks its kernels for the CPU when it loads. Debian 12's OpenBLAS 0.3.21 does not know CPUs newer
// than itself (e.g. this project's Xeons with AMX) and falls back to its Prescott (SSE3) kernels there:
// slower, and rounding differently from the AVX-512 kernels that the same build uses on the CPUs it knows,
// so that one seed's fit or search lands elsewhere on two machines of the same kind (two golden-value tests
// failed on a machine where OpenBLAS said "Prescott"). OpenBLAS reads OPENBLAS_CORETYPE only as it loads, so
// the choice can be corrected only by starting the program again.

namespace tnas {

// Called first in main: when OPENBLAS_CORETYPE is unset, OpenBLAS is loaded into this program and runs a
// pre-AVX kernel set on a CPU with AVX-512 (AVX2), starts this program again with the same arguments and
// OPENBLAS_CORETYPE=SkylakeX (Haswell). Returns when nothing is to be done (also when OPENBLAS_CORETYPE was
// set by the user: their choice stands) or when the restart is not possible.
void restart_with_the_cpus_blas_kernels(char** argv);

// The kernel set OpenBLAS runs ("" when OpenBLAS is not loaded).
const char* blas_kernels();

}  // namespace tnas
