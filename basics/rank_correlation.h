#pragma once
// Correlations between predictions and ground truth, as used to validate surrogates and proxies.
#include <vector>

namespace tnas {

double pearson(const std::vector<double>& a, const std::vector<double>& b);
double spearman(const std::vector<double>& a, const std::vector<double>& b);  // ties get average ranks
double kendall_tau_b(const std::vector<double>& a, const std::vector<double>& b);
std::vector<double> average_ranks(const std::vector<double>& v);

}  // namespace tnas
