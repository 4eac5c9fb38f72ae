#include "nn/layer_checks.h"

#include "autograd/op_checks.h"
#include "nn/conv2d.h"
#include "nn/transformer.h"

#include <memory>

namespace atto {

void register_layer_checks() {
  Generator gen(17);
  const TransformerOptions block{.features = 4, .num_heads = 2, .intermediate_dim = 6};
  auto encoder = std::make_shared<TransformerEncoderLayer>(block, gen);
  auto decoder = std::make_shared<TransformerDecoderLayer>(block, gen);
  auto conv = std::make_shared<Conv2D>(2, Conv2DOptions{.filters = 3, .strides = 2, .padding = Padding::same,
                                                        .activation = Activation::tanh},
                                       gen);
  const Tensor source_mask = tensor({{1, 1, 1, 1}, {1, 1, 1, 0}});
  register_op_check({"transformer_encoder_layer", {{2, 4, 4}}, [encoder, source_mask](const std::vector<Var>& v) {
                       return (*encoder)(v[0], {.padding_mask = source_mask}).output;
                     }});
  register_op_check({"transformer_decoder_layer", {{2, 3, 4}, {2, 4, 4}},
                     [decoder, source_mask](const std::vector<Var>& v) {
                       return (*decoder)(v[0], v[1], {.memory_mask = source_mask}).output;
                     }});
  register_op_check({"conv2d", {{2, 5, 4, 2}}, [conv](const std::vector<Var>& v) { return (*conv)(v[0]); }});
}

}  // namespace atto
