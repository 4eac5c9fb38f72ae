#include "distributed/data_parallel.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <type_traits>

namespace atto::distributed {

namespace {

const MPI_Datatype kReal = std::is_same_v<Real, float> ? MPI_FLOAT : MPI_DOUBLE;

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// The start of part `part` of n numbers cut into `parts` nearly equal parts.
Index part_start(Index n, int part, int parts) { return n * part / parts; }

// What must agree between ranks before rank 0's values may overwrite theirs.
struct ModelSize {
  std::uint64_t fingerprint = 0xcbf29ce484222325ULL;  // FNV-1a of names and shapes
  std::int64_t parameters = 0, numbers = 0;
};

ModelSize model_size(const Module& model) {
  ModelSize size;
  const auto mix = [&](const void* data, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) {
      size.fingerprint ^= static_cast<const unsigned char*>(data)[i];
      size.fingerprint *= 0x100000001b3ULL;
    }
  };
  for (const auto& [name, parameter] : model.named_parameters()) {
    mix(name.data(), name.size() + 1);
    for (Index d = 0; d < parameter.value().rank(); ++d) {
      const Index dim = parameter.value().dim(d);
      mix(&dim, sizeof dim);
    }
    ++size.parameters;
    size.numbers += parameter.numel();
  }
  return size;
}

}  // namespace

void broadcast_parameters(const World& world, const Module& model) {
  const ModelSize mine = model_size(model);
  std::vector<ModelSize> all(static_cast<std::size_t>(world.size()));
  MPI_Allgather(&mine, sizeof mine, MPI_BYTE, all.data(), sizeof mine, MPI_BYTE, MPI_COMM_WORLD);
  for (int r = 1; r < world.size(); ++r) {
    const ModelSize& other = all[static_cast<std::size_t>(r)];
    if (other.fingerprint != all[0].fingerprint) {
      throw_argument_error("broadcast_parameters",
                           "the ranks hold different models: rank 0 has {} parameters ({} numbers), rank {} has {} "
                           "parameters ({} numbers){}; every rank must build the same model",
                           all[0].parameters, all[0].numbers, r, other.parameters, other.numbers,
                           other.numbers == all[0].numbers ? " under other names or shapes" : "");
    }
  }
  for (Var parameter : model.parameters()) {
    MPI_Bcast(parameter.mutable_value().data(), static_cast<int>(parameter.numel()), kReal, 0, MPI_COMM_WORLD);
  }
}

GradientAverager::GradientAverager(const World& world, std::vector<Var> parameters, Index bucket_elements)
    : world_(world), parameters_(std::move(parameters)), bucket_elements_(bucket_elements) {
  if (bucket_elements < world.size() || bucket_elements > (Index(1) << 28)) {
    throw_argument_error("GradientAverager", "bucket_elements {} must be from the number of ranks ({}) to 2^28",
                         bucket_elements, world.size());
  }
  for (const Var& p : parameters_) elements_ += p.numel();
  // Parts of different sizes would not line up in the collective calls.
  std::vector<Index> all(static_cast<std::size_t>(world.size()));
  MPI_Allgather(&elements_, 1, MPI_INT64_T, all.data(), 1, MPI_INT64_T, MPI_COMM_WORLD);
  for (int r = 1; r < world.size(); ++r) {
    if (all[static_cast<std::size_t>(r)] != all[0]) {
      throw_argument_error("GradientAverager",
                           "rank 0 averages {} numbers, rank {} {}: every rank must pass the same parameters", all[0], r,
                           all[static_cast<std::size_t>(r)]);
    }
  }
  flat_.resize(static_cast<std::size_t>(elements_));
}

void GradientAverager::average() {
  const int ranks = world_.size(), rank = world_.rank();
  cost_ = {};
  double started = now();
  Real* flat = flat_.data();
  for (const Var& p : parameters_) {
    if (p.has_grad()) {
      flat = std::copy_n(p.grad().data(), p.numel(), flat);
    } else {
      flat = std::fill_n(flat, p.numel(), Real(0));
    }
  }
  cost_.arithmetic_seconds += now() - started;

  std::vector<int> counts(static_cast<std::size_t>(ranks)), starts(counts.size());
  std::vector<int> received_counts(counts.size()), received_starts(counts.size());
  for (Index bucket = 0; bucket < elements_; bucket += bucket_elements_) {
    const Index n = std::min(bucket_elements_, elements_ - bucket);
    Real* numbers = flat_.data() + bucket;
    // Rank r sums part r of the bucket: it receives that part from every rank.
    for (int r = 0; r < ranks; ++r) {
      counts[static_cast<std::size_t>(r)] = static_cast<int>(part_start(n, r + 1, ranks) - part_start(n, r, ranks));
      starts[static_cast<std::size_t>(r)] = static_cast<int>(part_start(n, r, ranks));
    }
    const int own = counts[static_cast<std::size_t>(rank)];
    for (int r = 0; r < ranks; ++r) {
      received_counts[static_cast<std::size_t>(r)] = own;
      received_starts[static_cast<std::size_t>(r)] = own * r;
    }
    received_.resize(static_cast<std::size_t>(own) * static_cast<std::size_t>(ranks));
    part_.resize(static_cast<std::size_t>(own));

    started = now();
    MPI_Alltoallv(numbers, counts.data(), starts.data(), kReal, received_.data(), received_counts.data(),
                  received_starts.data(), kReal, MPI_COMM_WORLD);
    const double exchanged = now();
    // Rank order, one rank at a time: the order a single process summing
    // the same slices one after the other uses.
    const Real* from = received_.data();
    Real* part = part_.data();
    std::copy_n(from, own, part);
    for (int r = 1; r < ranks; ++r) {
      const Real* next = from + static_cast<std::ptrdiff_t>(own) * r;
      for (int j = 0; j < own; ++j) part[j] += next[j];
    }
    const auto divisor = static_cast<Real>(ranks);
    for (int j = 0; j < own; ++j) part[j] /= divisor;
    const double summed = now();
    MPI_Allgatherv(part, own, kReal, numbers, counts.data(), starts.data(), kReal, MPI_COMM_WORLD);
    const double gathered = now();
    cost_.communication_seconds += (exchanged - started) + (gathered - summed);
    cost_.arithmetic_seconds += summed - exchanged;
    cost_.bytes_sent += static_cast<Index>((n - own) * 2 * static_cast<Index>(sizeof(Real)));
    cost_.messages += 2;
  }

  // Into the same tensors every step: a fresh megabyte-sized one each time
  // costs its page faults, which the other ranks then wait for.
  started = now();
  const Real* from = flat_.data();
  averaged_.resize(parameters_.size());
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    Var p = parameters_[i];
    Tensor& grad = averaged_[i];
    if (!(grad.shape() == p.value().shape())) grad = Tensor::empty(p.value().shape());
    std::copy_n(from, p.numel(), grad.data());
    grad.note_write();
    from += p.numel();
    p.set_grad(grad);
  }
  cost_.arithmetic_seconds += now() - started;
}

double mean_over_ranks(const World& world, double value) {
  std::vector<double> all(static_cast<std::size_t>(world.size()));
  MPI_Allgather(&value, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD);
  double total = 0;
  for (const double v : all) total += v;
  return total / world.size();
}

}  // namespace atto::distributed
