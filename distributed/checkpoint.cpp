#include "distributed/checkpoint.h"

#include "distributed/data_parallel.h"

#include <mpi.h>

#include <exception>
#include <type_traits>

namespace atto::distributed {

namespace {

// Rank 0's error message, or "" for success, on every rank.
std::string shared_error(const std::string& root_error) {
  int length = static_cast<int>(root_error.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string error(static_cast<std::size_t>(length), '\0');
  if (length > 0) {
    std::copy(root_error.begin(), root_error.end(), error.begin());
    MPI_Bcast(error.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
  }
  return error;
}

// Runs `action` on rank 0; every rank throws what it threw.
template <class Action>
void on_root(const World& world, const Action& action) {
  std::string error;
  if (world.is_root()) {
    try {
      action();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  error = shared_error(error);
  if (!error.empty()) throw CheckpointError(world.is_root() ? error : "rank 0: " + error);
}

}  // namespace

void save_checkpoint_from_root(const World& world, const std::string& path, const Module& model,
                               Optimizer* optimizer) {
  on_root(world, [&] { save_checkpoint(path, model, optimizer); });
}

void load_checkpoint_from_root(const World& world, const std::string& path, Module& model, Optimizer* optimizer) {
  on_root(world, [&] { load_checkpoint(path, model, optimizer); });
  broadcast_parameters(world, model);
  if (!optimizer) return;
  const MPI_Datatype real = std::is_same_v<Real, float> ? MPI_FLOAT : MPI_DOUBLE;
  for (auto& [name, tensor] : optimizer->state()) {
    MPI_Bcast(tensor->data(), static_cast<int>(tensor->numel()), real, 0, MPI_COMM_WORLD);
    tensor->note_write();
  }
  long long steps = optimizer->steps();
  MPI_Bcast(&steps, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  optimizer->set_steps(static_cast<Index>(steps));
}

}  // namespace atto::distributed
