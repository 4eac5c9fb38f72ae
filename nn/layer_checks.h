// Gradient checks of whole layers, in the table the `gradcheck` program
// prints beside the ops (autograd/op_checks.h): a layer is a composite of
// ops, so checking it catches a mistake in how they are wired, such as a
// residual added in the wrong place or a mask that leaks.
#pragma once

namespace atto {

// Registers transformer_encoder_layer, transformer_decoder_layer and conv2d
// (each with fixed random weights; the inputs are checked). Call once.
void register_layer_checks();

}  // namespace atto
