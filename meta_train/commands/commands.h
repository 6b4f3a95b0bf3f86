#pragma once
// The meta_train subcommands; each lives in its own <name>_command.cpp.
namespace tnas {
int run_collect_command(int argc, char** argv);
int run_data_command(int argc, char** argv);
int run_export_command(int argc, char** argv);
int run_fit_command(int argc, char** argv);
int run_merge_command(int argc, char** argv);
}  // namespace tnas
