// World: the processes of one MPI job, started together by mpirun, each
// with its rank (0 .. size-1). The distributed layer sits on nn and is the
// only part of attograd that links MPI; it is built when MPI is found.
//
//   int main(int argc, char** argv) {
//     return atto::distributed::run_on_every_rank(argc, argv, [](atto::distributed::World& world) {
//       ...  // the same program on every rank, world.rank() telling them apart
//       return 0;
//     });
//   }
#pragma once

#include <functional>
#include <string>

namespace atto::distributed {

class World {
 public:
  // Starts MPI; one World per process, for the whole run.
  World(int& argc, char**& argv);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  [[nodiscard]] bool is_root() const { return rank_ == 0; }
  void barrier() const;
  // Runs `call` on rank 0 alone while the other ranks wait asleep (waiting
  // in a collective call, a rank would spin on a core the timing needs);
  // returns the seconds it took on rank 0, 0 on the others.
  double time_on_root_alone(const std::function<void()>& call) const;

  // Prints "rank r of n: why" on standard error and ends every rank of the
  // job with exit status 1 (MPI_Abort): a rank that cannot go on must not
  // leave the others waiting for it in a collective call.
  [[noreturn]] void abort(const std::string& why) const;

 private:
  int rank_ = 0, size_ = 1;
};

// Starts MPI, runs body on this rank and returns its exit status. An
// exception escaping body on any rank aborts the whole job with its
// message (World::abort), so the others stop within seconds instead of
// hanging; a rank killed outright is noticed by mpirun, which ends the rest.
int run_on_every_rank(int argc, char** argv, const std::function<int(World&)>& body);

}  // namespace atto::distributed
