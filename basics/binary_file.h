#pragma once
// Whole-file reads and atomic writes shared by the format readers and writers.
#include <cstdint>
#include <string>
#include <vector>

namespace tnas {

// Reads a file, transparently gunzipping it when it starts with the gzip magic. Throws tnas::Error naming
// the path for a missing, unreadable or corrupt (bad gzip stream) file.
std::vector<uint8_t> read_file_bytes(const std::string& path);

// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync, rename.
void write_file_atomically(const std::string& path, const std::vector<uint8_t>& bytes);
void write_text_atomically(const std::string& path, const std::string& text);

// Throws tnas::Error naming `path` when a file cannot be written there (it is a folder, or its folder does
// not exist): said before hours of work, not after.
void require_file_destination(const std::string& path);

// fsync()s the folder holding `path`, so that a rename into it survives a crash.
void sync_parent_dir(const std::string& path);

uint32_t read_be_u32(const uint8_t* p);

// 64-bit FNV-1a of `size` bytes as 16 hex digits: identifies a file's or a tensor's content (cache keys,
// a checkpoint's featurizer); not a defence against deliberate collisions.
std::string content_hash(const void* data, size_t size);

}  // namespace tnas
