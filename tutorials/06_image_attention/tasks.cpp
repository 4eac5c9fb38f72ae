#include "tutorials/06_image_attention/tasks.h"

#include <numeric>
#include <utility>
#include <vector>

namespace atto::tutorial::image_attention {

namespace {

const char* const kPlus[kPatch] = {".#..", "###.", ".#..", "...."};
const char* const kRing[kPatch] = {"###.", "#.#.", "###.", "...."};
const char* const kCross[kPatch] = {"#.#.", ".#..", "#.#.", "...."};
const char* const kTee[kPatch] = {"###.", ".#..", ".#..", "...."};
const char* const kEll[kPatch] = {"#...", "#...", "###.", "...."};
const char* const kBars[kPatch] = {"#.#.", "#.#.", "#.#.", "...."};
const char* const* const kShapes[kShapeKinds] = {kPlus, kRing, kCross, kTee, kEll, kBars};

void draw(Tensor& pixels, Index n, Index cell, const char* const rows[kPatch], Real brightness) {
  const Index top = (cell / kGrid) * kPatch, left = (cell % kGrid) * kPatch;
  for (Index r = 0; r < kPatch; ++r)
    for (Index c = 0; c < kPatch; ++c)
      if (rows[r][c] == '#') pixels.at({n, top + r, left + c}) += brightness;
}

}  // namespace

const char* const kShapeNames[kShapeKinds] = {"plus", "ring", "cross", "tee", "ell", "bars"};

Images make_images(Index count, Generator& gen) {
  Images data{gen.uniform({count, kSide, kSide}, 0, 0.15), Tensor::empty({count}), Tensor::empty({count}),
              zeros({count, kSide, kSide})};
  for (Index n = 0; n < count; ++n) {
    const Index label = gen.randint(2), cell = gen.randint(kPatches);
    draw(data.pixels, n, cell, label == 0 ? kPlus : kRing, 1);
    draw(data.target_only, n, cell, label == 0 ? kPlus : kRing, 1);
    for (Index other = 0; other < kPatches; ++other) {
      if (other != cell && gen.next_double() < 0.5) draw(data.pixels, n, other, gen.randint(2) ? kPlus : kRing, 0.4);
    }
    data.labels.data()[n] = static_cast<Real>(label);
    data.target_cell.data()[n] = static_cast<Real>(cell);
  }
  return data;
}

FirstTask first_task(bool quick, Generator& gen) {
  const Index train_count = quick ? 600 : 3000;
  Images train = make_images(train_count, gen);
  Images test = make_images(1000, gen);
  return {train_count, quick ? 8 : 30, std::move(train), std::move(test)};
}

Pairs make_pairs(Index count, Generator& gen) {
  Pairs data{gen.uniform({count, kSide, kSide}, 0, 0.15), Tensor::empty({count}), Tensor::empty({count, 2})};
  for (Index n = 0; n < count; ++n) {
    const Index first = gen.randint(kPatches), second = (first + 1 + gen.randint(kPatches - 1)) % kPatches;
    const Index first_shape = gen.randint(2), second_shape = gen.randint(2);
    draw(data.pixels, n, first, first_shape == 0 ? kPlus : kRing, 1);
    draw(data.pixels, n, second, second_shape == 0 ? kPlus : kRing, 1);
    for (Index other = 0; other < kPatches; ++other) {
      if (other != first && other != second && gen.next_double() < 0.5) {
        draw(data.pixels, n, other, gen.randint(2) ? kPlus : kRing, 0.4);
      }
    }
    data.labels.data()[n] = first_shape == second_shape ? 1 : 0;
    data.cells.at({n, 0}) = static_cast<Real>(first);
    data.cells.at({n, 1}) = static_cast<Real>(second);
  }
  return data;
}

Repeats make_repeats(Index count, Generator& gen) {
  Repeats data{zeros({count, kSide, kSide}), Tensor::empty({count}), full({count, kPatches}, -1)};
  std::vector<Index> shapes(kShapeKinds), cells(kPatches);
  for (Index n = 0; n < count; ++n) {
    const Index distinct = 2 + gen.randint(4), label = gen.randint(2);
    std::iota(shapes.begin(), shapes.end(), 0);
    std::iota(cells.begin(), cells.end(), 0);
    for (Index i = 0; i < kShapeKinds - 1; ++i) std::swap(shapes[i], shapes[i + gen.randint(kShapeKinds - i)]);
    for (Index i = 0; i < kPatches - 1; ++i) std::swap(cells[i], cells[i + gen.randint(kPatches - i)]);
    std::vector<Index> objects(shapes.begin(), shapes.begin() + distinct);
    if (label == 1) objects.push_back(objects[gen.randint(distinct)]);
    for (std::size_t o = 0; o < objects.size(); ++o) {
      draw(data.pixels, n, cells[o], kShapes[objects[o]], 1);
      data.kinds.at({n, cells[o]}) = static_cast<Real>(objects[o]);
    }
    data.labels.data()[n] = static_cast<Real>(label);
  }
  return data;
}

Tensor to_patches(const Tensor& pixels) {
  const Index n = pixels.shape()[0];
  return permute(pixels.reshape({n, kGrid, kPatch, kGrid, kPatch}), {0, 1, 3, 2, 4}).reshape({n, kPatches, kPatch * kPatch});
}

}  // namespace atto::tutorial::image_attention
