#include "distributed/world.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <thread>

namespace atto::distributed {

World::World(int& argc, char**& argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (initialized) throw_argument_error("World", "MPI is already started: make one World per process");
  // Ranks call MPI from their main thread only; OpenMP threads never do.
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

World::~World() { MPI_Finalize(); }

void World::barrier() const { MPI_Barrier(MPI_COMM_WORLD); }

void World::abort(const std::string& why) const {
  std::fputs(fmt::format("rank {} of {}: {}\n", rank_, size_, why).c_str(), stderr);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();  // MPI_Abort does not return; this tells the compiler so
}

double World::time_on_root_alone(const std::function<void()>& call) const {
  double seconds = 0;
  if (is_root()) {
    const auto started = std::chrono::steady_clock::now();
    call();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  MPI_Request done;
  MPI_Ibarrier(MPI_COMM_WORLD, &done);
  for (int finished = 0; !finished; MPI_Test(&done, &finished, MPI_STATUS_IGNORE)) {
    if (!is_root()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return seconds;
}

int run_on_every_rank(int argc, char** argv, const std::function<int(World&)>& body) {
  World world(argc, argv);
  try {
    return body(world);
  } catch (const std::exception& error) {
    world.abort(fmt::format("stopping every rank: {}", error.what()));
  }
}

}  // namespace atto::distributed
