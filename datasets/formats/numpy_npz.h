#pragma once
// Reading numpy .npy arrays and .npz archives (zip, stored or deflated, zip64 as numpy writes it).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datasets/formats/python_pickle.h"

namespace tnas {

// Parses one .npy blob (format versions 1-3). Throws tnas::Error naming `what`.
NumpyArray parse_npy(const std::string& bytes, const std::string& what);

// All arrays of an .npz file by key (the member name without ".npy").
std::map<std::string, NumpyArray> read_npz(const std::string& path);

}  // namespace tnas
