#pragma once
// The meta_test subcommands; each lives in its own <name>_command.cpp.
namespace tnas {
int run_arch_command(int argc, char** argv);
int run_dashboard_command(int argc, char** argv);
int run_dataset_command(int argc, char** argv);
int run_evaluate_command(int argc, char** argv);
int run_pareto_command(int argc, char** argv);
int run_proxies_command(int argc, char** argv);
int run_rank_command(int argc, char** argv);
int run_report_command(int argc, char** argv);
int run_search_command(int argc, char** argv);
int run_worker_command(int argc, char** argv);
}  // namespace tnas
