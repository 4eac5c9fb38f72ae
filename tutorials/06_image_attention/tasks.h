// Tutorial 06's images, made here so that every pixel is known: 12x12
// grey images cut into 3x3 cells of 4x4 pixels, each cell empty or holding
// one small shape. Three tasks share the drawing:
//   * Images: one bright target, a plus (class 0) or a ring (class 1), in
//     one cell, dim pluses and rings in others, a little noise everywhere;
//   * Pairs: two bright shapes among the same clutter, labelled 1 when they
//     are the same shape (a relation: neither alone says the label);
//   * Repeats: two to six bright shapes of six kinds, no clutter, labelled
//     1 when a shape is there twice (any set of shapes comes as often with a
//     repeat as without).
#pragma once

#include "core/core.h"

namespace atto::tutorial::image_attention {

constexpr Index kSide = 12, kPatch = 4, kGrid = kSide / kPatch, kPatches = kGrid * kGrid;
constexpr Index kShapeKinds = 6;
// The six shapes' names, in the order Repeats::kinds numbers them.
extern const char* const kShapeNames[kShapeKinds];

struct Images {
  Tensor pixels;       // (N, 12, 12)
  Tensor labels;       // (N)
  Tensor target_cell;  // (N): which of the 9 cells holds the target
  Tensor target_only;  // (N, 12, 12): the target's strokes alone (the colour experiment paints them)
};
Images make_images(Index count, Generator& gen);

// The first task's data as both parts of tutorial 06 draw it, so that one
// seed gives both the same images: 600 training images in quick mode (3000
// in full), 1000 held out, and the epochs to train on them.
struct FirstTask {
  Index train_count, epochs;
  Images train, test;
};
FirstTask first_task(bool quick, Generator& gen);

struct Pairs {
  Tensor pixels;  // (N, 12, 12)
  Tensor labels;  // (N): 1 same shape, 0 different
  Tensor cells;   // (N, 2): the cells of the two bright shapes
};
Pairs make_pairs(Index count, Generator& gen);

struct Repeats {
  Tensor pixels;  // (N, 12, 12)
  Tensor labels;  // (N): 1 when a shape is there twice
  Tensor kinds;   // (N, 9): the shape in each cell, -1 for an empty one
};
Repeats make_repeats(Index count, Generator& gen);

// (N, 12, 12) -> (N, 9, 16): each 4x4 patch as a row of 16 pixels.
Tensor to_patches(const Tensor& pixels);

}  // namespace atto::tutorial::image_attention
