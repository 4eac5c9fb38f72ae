// Data parallelism: every rank holds the whole model and trains on its
// slice of each global batch; after backward the ranks' gradients are
// averaged, so every rank takes the same optimizer step.
//
//   broadcast_parameters(world, model);            // once, before training
//   GradientAverager averager(world, model.parameters());
//   for each step:
//     loss = ... this rank's slice (sampler.rank_batch(step)) ...
//     loss.backward();
//     averager.average();                          // grad = mean over ranks
//     optimizer.step();
//
// The average is summed in a fixed order, rank 0's gradient first:
// (g_0 + g_1 + ... + g_{N-1}) / N, element by element. N ranks therefore
// give, bit for bit, what one process gives when it computes the same N
// slices one after the other and sums their gradients in that order.
// MPI_Allreduce promises no order (Open MPI's ring starts each part of the
// vector at a different rank), so the sum is done here: each rank receives
// its part of every rank's gradient (MPI_Alltoallv), sums it in rank order,
// and the parts are gathered back on every rank (MPI_Allgatherv). That moves
// as many bytes as a ring allreduce, in two collective calls per bucket.
#pragma once

#include "autograd/var.h"
#include "distributed/world.h"
#include "nn/module.h"

#include <vector>

namespace atto::distributed {

// Makes every rank's parameters rank 0's. First checks that every rank holds
// the same model (the parameters' count, names and shapes): when they differ,
// throws ArgumentError on every rank, naming a rank that differs from rank 0
// and both models' sizes.
void broadcast_parameters(const World& world, const Module& model);

// Averages the parameters' gradients over the ranks, packed into buckets of
// at most bucket_elements numbers each (one pair of collective calls per
// bucket rather than per parameter). A parameter without a gradient on a
// rank counts as a zero gradient there; after average() every parameter
// has one, in a tensor the averager keeps and overwrites at the next
// average() (clone it to keep a step's gradient). Made on every rank at
// once; throws ArgumentError on every rank when their parameters hold
// different counts of numbers, or unless ranks <= bucket_elements <= 2^28.
class GradientAverager {
 public:
  GradientAverager(const World& world, std::vector<Var> parameters, Index bucket_elements = Index(1) << 22);

  void average();

  // What the last average() did: seconds in the collective calls (waiting
  // for slower ranks included), seconds packing, summing and unpacking, and
  // the bytes this rank sent.
  struct Cost {
    double communication_seconds = 0, arithmetic_seconds = 0;
    Index bytes_sent = 0, messages = 0;
  };
  [[nodiscard]] const Cost& last_cost() const { return cost_; }
  [[nodiscard]] Index elements() const { return elements_; }

 private:
  const World& world_;
  std::vector<Var> parameters_;
  Index bucket_elements_, elements_ = 0;
  std::vector<Real> flat_, received_, part_;
  std::vector<Tensor> averaged_;  // the gradients set, written again each step
  Cost cost_;
};

// The mean over ranks of a number (a loss, an accuracy), summed in rank
// order; the same on every rank.
[[nodiscard]] double mean_over_ranks(const World& world, double value);

}  // namespace atto::distributed
