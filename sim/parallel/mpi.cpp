#include "sim/parallel/mpi.hpp"

#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace povsim {

namespace {

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

// MPI has no 128-bit integer: tallies of fen times weight units travel as 16-byte elements summed
// by this operation (integer addition: exact, commutative, associative).
void add_int128(void* in, void* inout, int* count, MPI_Datatype*) {
  for (int k = 0; k < *count; ++k) {
    Int128 a, b;
    std::memcpy(&a, static_cast<const char*>(in) + k * sizeof(Int128), sizeof a);
    std::memcpy(&b, static_cast<const char*>(inout) + k * sizeof(Int128), sizeof b);
    b += a;
    std::memcpy(static_cast<char*>(inout) + k * sizeof(Int128), &b, sizeof b);
  }
}

class MpiReducer final : public Reducer {
 public:
  MpiReducer() {
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
    check(MPI_Type_contiguous(static_cast<int>(sizeof(Int128)), MPI_BYTE, &int128_), "MPI_Type_contiguous");
    check(MPI_Type_commit(&int128_), "MPI_Type_commit");
    check(MPI_Op_create(add_int128, 1, &add_int128_), "MPI_Op_create");
  }
  ~MpiReducer() override {
    MPI_Op_free(&add_int128_);
    MPI_Type_free(&int128_);
  }
  void sum(std::span<std::int64_t> values) const override {
    if (size_ > 1 && !values.empty())
      check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_INT64_T, MPI_SUM,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  void sum(std::span<Int128> values) const override {
    if (size_ > 1 && !values.empty())
      check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), int128_, add_int128_,
                          MPI_COMM_WORLD),
            "MPI_Allreduce");
  }
  using Reducer::sum;
  std::int64_t max(std::int64_t value) const override {
    if (size_ > 1)
      check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
    return value;
  }
  int part() const override { return rank_; }
  int parts() const override { return size_; }
  void barrier() const override {
    if (size_ > 1) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  }

 private:
  int rank_ = 0, size_ = 1;
  MPI_Datatype int128_;
  MPI_Op add_int128_;
};

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (const char* v = std::getenv(name); v && *v) return true;
  return false;
}

MpiSession::MpiSession(int& argc, char**& argv) {
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
  // Errors come back as codes (check() turns them into exceptions) instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  world_ = std::make_unique<MpiReducer>();
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  MPI_Comm_size(node, &node_ranks_);
  MPI_Comm_free(&node);
}

MpiSession::~MpiSession() {
  world_.reset();
  MPI_Finalize();
}

const Reducer& MpiSession::world() const { return *world_; }

void MpiSession::abort(int status) const {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::_Exit(status);  // MPI_Abort does not return; this is for the compiler and for broken launchers
}

}  // namespace povsim
