#pragma once
// Export of a surrogate checkpoint as a self-contained TorchScript module (torch::jit::Module + define()),
// loadable by C++ torch::jit::load and Python torch.jit.load:
//   mean, variance = module(features, node_types)           (nb201)
//   mean, variance = module(features, node_types, numeric)  (jahs: a space with numeric features)
//   mean, variance = module(features, node_types, proxies)  (a checkpoint with proxy inputs)
//   mean, variance = module(features, node_types, [proxies,] protocol)  (a checkpoint conditioned on the
//                                                                        training protocol)
//     features    (classes, images, F) float32: featurizer outputs of a dataset's images, grouped by class
//     node_types  (B, 8) int64: op-on-node graph node types of B NB201 cells (graphs/op_graph/op_graph.h)
//     numeric     (B, H) float32: SearchSpace::numeric_features of the B configurations
//     proxies     (B, P) float32: proxy_input_row of each cell's zero-cost proxies on the dataset
//                 (models/proxies/proxy_inputs.h), in the checkpoint's proxy_inputs order
//     protocol    (5,) float32: protocol_input_row of the protocol the prediction is for
//                 (models/protocol/training_protocol.h)
//     mean, variance (B,) float64: zero-shot accuracy prediction in percent (GP conditioned on the
//     checkpoint's meta-training context), variance in percent^2
//   module.featurize(images) -> (N, F): the built-in featurizer on (N, 3, 32, 32) float32 images in [0, 1]
#include <string>

namespace tnas {

class Surrogate;

void export_torchscript(const Surrogate& surrogate, const std::string& path);

}  // namespace tnas
